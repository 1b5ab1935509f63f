using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A CLI run under strace (-y names the file behind each descriptor): which files under the folders
/// watched were written and not fsynced after their last write ended, what a crash right after the
/// command could lose. A file written under a temporary name is followed to the name it is renamed
/// to. A call strace splits across threads counts where it ends, an fsync where it starts.
/// </summary>
public static partial class FsyncTrace
{
    public sealed record Outcome(ExternalTool.Result Run, IReadOnlySet<string> Written, IReadOnlyList<string> NotSyncedAfterLastWrite);

    public static Outcome Run(string traceFile, IReadOnlyList<string> folders, params string[] cliArguments)
    {
        var run = ExternalTool.Run(
            "strace",
            ["-f", "-qq", "-y", "-e", "trace=write,pwrite64,writev,pwritev,pwritev2,ftruncate,fallocate,fsync,fdatasync,rename,renameat,renameat2", "-o", traceFile, .. CliProcess.Launcher, .. cliArguments]);
        var lastWrite = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastSync = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new Dictionary<string, Action<int>>(StringComparer.Ordinal);
        bool Watched(string path) => folders.Any(folder => path.StartsWith(folder + "/", StringComparison.Ordinal));
        void Moved(string from, string to)
        {
            foreach (var calls in new[] { lastWrite, lastSync })
            {
                if (calls.Remove(from, out int at))
                {
                    calls[to] = at;
                }
            }
        }

        int index = 0;
        foreach (string line in File.ReadLines(traceFile))
        {
            index++;
            bool unfinished = line.EndsWith("<unfinished ...>", StringComparison.Ordinal);
            if (Renamed().Match(line) is { Success: true } rename)
            {
                string from = Resolve(rename.Groups["fromdir"].Value, rename.Groups["from"].Value);
                string to = Resolve(rename.Groups["todir"].Value, rename.Groups["to"].Value);
                if (unfinished)
                {
                    pending[rename.Groups["pid"].Value] = _ => Moved(from, to);
                }
                else if (line.EndsWith("= 0", StringComparison.Ordinal))
                {
                    Moved(from, to);
                }
            }
            else if (Started().Match(line) is { Success: true } start && Watched(start.Groups["path"].Value))
            {
                string path = start.Groups["path"].Value;
                if (start.Groups["call"].Value is "fsync" or "fdatasync")
                {
                    lastSync[path] = index;
                }
                else if (unfinished)
                {
                    pending[start.Groups["pid"].Value] = at => lastWrite[path] = at;
                }
                else
                {
                    lastWrite[path] = index;
                }
            }
            else if (Resumed().Match(line) is { Success: true } resumed && pending.Remove(resumed.Groups["pid"].Value, out var complete) && !line.Contains("= -1 ", StringComparison.Ordinal))
            {
                complete(index);
            }
        }

        var unsynced = lastWrite.Where(w => !lastSync.TryGetValue(w.Key, out int synced) || synced < w.Value).Select(w => w.Key).Order(StringComparer.Ordinal).ToList();
        return new Outcome(run, lastWrite.Keys.ToHashSet(StringComparer.Ordinal), unsynced);
    }

    private static string Resolve(string folder, string name) => name.StartsWith('/') ? name : Path.Combine(folder, name);

    [GeneratedRegex(@"^(?<pid>\d+) +(?<call>\w+)\(\d+<(?<path>[^>]*)>")]
    private static partial Regex Started();

    [GeneratedRegex(@"^(?<pid>\d+) +rename(?:at2?)?\((?:[^<,]*<(?<fromdir>[^>]*)>, )?""(?<from>[^""]*)"", (?:[^<,]*<(?<todir>[^>]*)>, )?""(?<to>[^""]*)""")]
    private static partial Regex Renamed();

    [GeneratedRegex(@"^(?<pid>\d+) +<\.\.\. \w+ resumed>")]
    private static partial Regex Resumed();
}
