using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Whether a recovery target can be reached with the WAL there is, decided before a restore writes
/// anything: not before the set is consistent (its stop LSN, the time backup mode ended), and not past
/// the WAL that the set and the archive hold in one unbroken run of segments from the set's start. A
/// time target needs a transaction that ended after it (recovery stops at the first one past it, and a
/// server whose WAL ends first fails with "recovery ended before configured recovery target was
/// reached"); pg_waldump of the newest segments tells when the last one ended.
/// </summary>
internal static partial class RecoveryReach
{
    /// <param name="set">The set, opened with its key when it is encrypted (its own WAL is read through it).</param>
    /// <param name="archiveKey">The master key of an encrypted <paramref name="archive"/>; null for one in the clear.</param>
    public static void Check(SetContent set, string? archive, Lsn? targetLsn, DateTimeOffset? targetTime, byte[]? archiveKey = null)
    {
        string setPath = set.SetPath;
        var manifest = set.Manifest;
        if (manifest.StopPosition is null || !Lsn.TryParse(manifest.StopPosition, out var stop) || manifest.StartPosition is null || !Lsn.TryParse(manifest.StartPosition, out var start))
        {
            throw Unreachable("the set records no start and stop LSN", setPath);
        }

        long segmentSize = manifest.WalSegmentSize ?? 16L << 20;
        long timeline = manifest.Timeline ?? 1;
        var run = UnbrokenRun(setPath, archive, timeline, (long)(start.Value / (ulong)segmentSize), segmentSize);
        var walEnd = new Lsn((ulong)(run[^1].Number + 1) * (ulong)segmentSize);
        string searched = archive is null ? "the set's own WAL (no WAL archive is recorded or given)" : $"the set's WAL and the archive '{archive}'";
        if (targetLsn is { } lsn)
        {
            if (lsn < stop)
            {
                throw Before($"The recovery target LSN {lsn} lies before {stop}, where the set becomes consistent: no recovery can stop there. Restore an older set.", setPath);
            }

            if (lsn >= walEnd)
            {
                throw Unreachable($"the recovery target LSN {lsn} lies past the end of the WAL at hand ({walEnd}, the end of segment {run[^1].Name} in {searched}). If the source still runs, SELECT pg_switch_wal() there archives the segment holding it", setPath);
            }
        }

        if (targetTime is { } time)
        {
            var consistent = manifest.ConsistentTime ?? manifest.StopTime;
            if (time < consistent)
            {
                throw Before($"The recovery target time {time:u} lies before {consistent:u}, when the set's backup mode ended: no recovery can stop there. Restore an older set.", setPath);
            }

            var lastEnded = LastTransactionEnd(run, set, archive, archiveKey);
            if (lastEnded == DateTimeOffset.MinValue)
            {
                throw Unreachable($"no transaction ends in {searched} (segments {run[0].Name} to {run[^1].Name}), so recovery cannot stop at a time", setPath);
            }

            if (lastEnded is { } ended && time >= ended)
            {
                throw Unreachable($"the recovery target time {time:u} is at or after the last transaction in {searched} ({ended:u} in segment {run[^1].Name}): recovery would end before reaching it. If the source still runs, SELECT pg_switch_wal() there archives what came after", setPath);
            }
        }
    }

    private static BackupException Before(string message, string setPath) =>
        new(Errors.RecoveryTargetBeforeConsistency, message, setPath);

    private static BackupException Unreachable(string why, string setPath) =>
        new(Errors.RecoveryTargetNotReachable, $"The recovery target cannot be reached: {why}.", setPath);

    /// <summary>The segments of the timeline from <paramref name="first"/> on, as long as none is missing, each where it was found.</summary>
    private static List<(long Number, string Name, string Path)> UnbrokenRun(string setPath, string? archive, long timeline, long first, long segmentSize)
    {
        var found = new Dictionary<long, (string Name, string Path)>();
        foreach (string folder in new[] { Path.Combine(setPath, "wal"), archive }.OfType<string>().Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                string name = Path.GetFileName(file);
                string segment = StoredRedo.Unsuffixed(name);
                if (WalSegments.TryParse(segment, segmentSize, out long segmentTimeline, out long number) && segmentTimeline == timeline)
                {
                    found.TryAdd(number, (segment, file));
                }
            }
        }

        var run = new List<(long, string, string)>();
        for (long number = first; found.TryGetValue(number, out var segment); number++)
        {
            run.Add((number, segment.Name, segment.Path));
        }

        if (run.Count == 0)
        {
            throw Unreachable($"the segment where the set begins is neither in the set nor in the archive", setPath);
        }

        return run;
    }

    /// <summary>
    /// When the last transaction in the run ended (its commit or abort record), newest segments first; MinValue when
    /// none ends in it; null when pg_waldump is not at hand.
    /// </summary>
    private static DateTimeOffset? LastTransactionEnd(List<(long Number, string Name, string Path)> run, SetContent set, string? archive, byte[]? archiveKey)
    {
        string major = set.Manifest.Database.ServerVersion.Split('.')[0];
        string setWal = Path.Combine(set.SetPath, "wal");
        string waldump = $"/usr/lib/postgresql/{major}/bin/pg_waldump";
        if (!File.Exists(waldump))
        {
            return null;
        }

        string temporary = Directory.CreateTempSubdirectory("bkc-waldump-").FullName;
        try
        {
            for (int i = run.Count - 1; i >= 0; i--)
            {
                string segment = Path.Combine(temporary, run[i].Name);
                bool inSet = Path.GetDirectoryName(run[i].Path) == setWal;
                if (StoredRedo.IsCompressed(run[i].Path) || (inSet && set.Key is not null))
                {
                    using var input = inSet ? set.OpenRedo("wal/" + Path.GetFileName(run[i].Path))
                        : StoredRedo.OpenRead(run[i].Path, archiveKey is not null && Path.GetDirectoryName(run[i].Path) == archive ? archiveKey : null);
                    using var output = File.Create(segment);
                    input.CopyTo(output);
                }
                else
                {
                    File.CreateSymbolicLink(segment, run[i].Path);
                }

                var start = new ProcessStartInfo(waldump) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add(segment);
                start.Environment["TZ"] = "UTC";
                start.Environment["PGTZ"] = "UTC";
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                DateTimeOffset? last = null;
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    if (TransactionEnd().Match(line) is { Success: true } m
                        && DateTimeOffset.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ended))
                    {
                        last = ended;
                    }
                }

                process.WaitForExit();
                _ = error.Result;
                if (last is not null)
                {
                    return last;
                }
            }

            return DateTimeOffset.MinValue;
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    [GeneratedRegex(@"desc: (?:COMMIT|ABORT) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex TransactionEnd();
}
