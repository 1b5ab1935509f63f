using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>Runs our sync and asks rsync, a tool we did not write, whether anything is left to do.</summary>
internal static class SyncTestSupport
{
    public static SyncResult Sync(string source, string destination, Func<SyncRequest, SyncRequest>? configure = null, IProgress<OperationProgress>? progress = null)
    {
        var request = new SyncRequest(source, destination);
        request = configure?.Invoke(request) ?? request;
        return DeltaSync.RunAsync(request, progress).GetAwaiter().GetResult();
    }

    /// <summary>The itemized changes <c>rsync -ani --delete</c> would still make (empty when the mirror is exact).</summary>
    public static string RsyncPending(string source, string destination, bool hardLinks = false, bool checksum = false, params string[] extra)
    {
        var arguments = new List<string> { "-ani", "--delete" };
        if (hardLinks)
        {
            arguments.Add("-H");
        }

        if (checksum)
        {
            arguments.Add("-c");
        }

        arguments.AddRange(extra);
        arguments.Add(source + "/");
        arguments.Add(destination + "/");
        var result = ExternalTool.Run("rsync", arguments);
        Assert.True(result.ExitCode == 0, $"rsync failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }

    public static void AssertMirror(string source, string destination, bool hardLinks = false, bool checksum = false, params string[] extra)
    {
        // rsync, like us, keeps a folder the source lost when excluded entries inside it are protected,
        // and says so ("cannot delete non-empty directory"; a dry run still itemizes "*deleting" for it,
        // which a real run does not do). That is agreement, not work left to do.
        const string Kept = "cannot delete non-empty directory: ";
        var lines = RsyncPending(source, destination, hardLinks, checksum, extra).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var kept = lines.Where(l => l.StartsWith(Kept, StringComparison.Ordinal)).Select(l => "*deleting   " + l[Kept.Length..] + "/").ToHashSet();
        string pending = string.Concat(lines.Where(l => !l.StartsWith(Kept, StringComparison.Ordinal) && !kept.Contains(l)).Select(l => l + "\n"));
        Assert.True(pending.Length == 0, $"rsync -ani{(hardLinks ? " -H" : "")}{(checksum ? " -c" : "")} --delete still finds work:\n{pending}");
    }

    public static void SetTime(string path, long seconds, int nanoseconds = 0) =>
        UnixFileSystem.SetModifiedTime(path, new UnixTime(seconds, nanoseconds));

    /// <summary>Every entry below a folder, relative, with type and size, for before/after comparisons.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Walk(string relative)
        {
            foreach (var entry in UnixFileSystem.ReadDirectory(relative.Length == 0 ? root : root + "/" + relative))
            {
                string path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                var m = entry.Metadata;
                string content = m.Kind == FileKind.File ? Hash(root + "/" + path) : "";
                entries[path] = $"{m.Kind} {m.Size} {Convert.ToString(m.Permissions, 8)} {m.ModifiedTime} {content}";
                if (m.Kind == FileKind.Directory)
                {
                    Walk(path);
                }
            }
        }

        Walk("");
        return entries;
    }

    /// <summary>SHA-256 of a file opened by its byte-exact name.</summary>
    public static string Hash(string path)
    {
        using var handle = UnixFileSystem.OpenRead(path);
        byte[] bytes = new byte[RandomAccess.GetLength(handle)];
        RandomAccess.Read(handle, bytes, 0);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
    }
}
