using System.Collections.Concurrent;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// The "racy timestamp" problem: a file written again within the same clock tick as our copy keeps its
/// size and time stamp, so the quick check would call it unchanged forever. Files modified shortly
/// before or during the scan (within one tick of its start) are remembered; at the end of the run
/// the tick is waited out (as pgBackRest does) and each is compared with its copy byte for byte.
/// Any later write gets a newer time stamp, which the next run's quick check sees.
/// </summary>
internal static class RacyTimestampGuard
{
    /// <summary>
    /// Linux stamps file times from a coarse clock (a tick of at most 10 ms); twice that is safe. File
    /// systems that keep only whole seconds (nanoseconds 0) can hide a change for up to a second.
    /// </summary>
    private static readonly TimeSpan FineTick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WholeSecondTick = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A clock a little ahead (a file server's) still stamps the writes of this run; a time stamp further
    /// in the future was set, not written (touch -d), and is ordinary data: any later write changes it.
    /// </summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(1);

    /// <summary>True when a time stamp is within one tick of the scan start or later (up to a skewed clock's now): too fresh to trust.</summary>
    public static bool IsRacy(UnixTime modified, DateTimeOffset scanStart) =>
        TimeLeftInTick(modified, scanStart, DateTimeOffset.UtcNow) is not null;

    /// <summary>
    /// How long until the tick of a write stamped <paramref name="modified"/> is over, never more than one
    /// tick, also for a time stamp ahead of the clock; null when no write since <paramref name="since"/> made
    /// it. Far-past and future times never reach <see cref="DateTimeOffset"/> arithmetic.
    /// </summary>
    private static TimeSpan? TimeLeftInTick(UnixTime modified, DateTimeOffset since, DateTimeOffset now)
    {
        var tick = TickOf(modified);
        if (modified.CompareTo(UnixTime.FromDateTimeOffset(since - tick)) < 0 || modified.CompareTo(UnixTime.FromDateTimeOffset(now + ClockSkew)) > 0)
        {
            return null;
        }

        var left = modified.ToDateTimeOffset() + tick - now;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left < tick ? left : tick;
    }

    private static TimeSpan TickOf(UnixTime modified) => modified.Nanoseconds == 0 ? WholeSecondTick : FineTick;

    /// <summary>
    /// Waits until every given file's time stamp tick is over, then answers those whose destination
    /// copy differs from the source (in metadata or contents), with the source's current metadata. A
    /// file that cannot be compared with its copy (other than one that vanished since) is a problem:
    /// its copy may be stale.
    /// </summary>
    public static List<(string Path, FileMetadata Source, FileMetadata? Destination)> FindStale(
        IReadOnlyCollection<string> paths, string source, string destination, DateTimeOffset scanStart, int parallelism, ConcurrentBag<ItemProblem> problems, CancellationToken cancellationToken)
    {
        var candidates = paths
            .Select(p => (Path: p, Source: UnixFileSystem.TryLstat(TreeComparer.FullPath(source, p))))
            .Where(c => c.Source?.Kind == FileKind.File)
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        // Only the ticks of this run's writes are waited for, at most one tick: not a time stamp from before the scan or far ahead.
        var now = DateTimeOffset.UtcNow;
        var wait = candidates.Max(c => TimeLeftInTick(c.Source!.ModifiedTime, scanStart, now) ?? TimeSpan.Zero);
        if (wait > TimeSpan.Zero)
        {
            Task.Delay(wait, cancellationToken).GetAwaiter().GetResult();
        }

        var stale = new ConcurrentBag<(string, FileMetadata, FileMetadata?)>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        Parallel.ForEach(candidates, options, candidate =>
        {
            string sourcePath = TreeComparer.FullPath(source, candidate.Path);
            string destinationPath = TreeComparer.FullPath(destination, candidate.Path);
            try
            {
                var now = UnixFileSystem.TryLstat(sourcePath);
                var copy = UnixFileSystem.TryLstat(destinationPath);
                if (now?.Kind != FileKind.File || copy?.Kind != FileKind.File)
                {
                    return;
                }

                if (now.Size != copy.Size || now.ModifiedTime != copy.ModifiedTime || !FileContents.Same(sourcePath, destinationPath))
                {
                    stale.Add((candidate.Path, now, copy));
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Vanished since: the next run's scan deletes the copy.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(SyncProblems.Read(sourcePath, ex));
            }
        });

        return [.. stale.OrderBy(s => s.Item1, StringComparer.Ordinal)];
    }
}
