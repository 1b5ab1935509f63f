using System.Diagnostics;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Invoke-DeltaSync: makes a destination folder a mirror of a source folder, as <c>rsync -a</c> does,
/// copying only what changed (and of large changed files only the changed blocks), with parallel
/// workers. Every replaced file is written under a temporary name and renamed, so a killed run leaves
/// each file old or new, never half-written under its final name.
/// </summary>
internal static class DeltaSync
{
    internal const string Activity = "Invoke-DeltaSync";

    /// <summary>The default number of parallel workers: copying small files waits on the kernel, so twice the cores, at most 16.</summary>
    internal static int DefaultThrottleLimit => Math.Clamp(Environment.ProcessorCount * 2, 2, 16);

    public static Task<SyncResult> RunAsync(SyncRequest request, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(request, progress, cancellationToken), cancellationToken);

    private static SyncResult Run(SyncRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (!OperatingSystem.IsLinux())
        {
            throw new BackupException(Errors.SyncPlatformNotSupported, "Invoke-DeltaSync needs Linux: it keeps Unix metadata (owners, nanosecond times, hard links) through Linux system calls.");
        }

        int parallelism = request.ThrottleLimit ?? DefaultThrottleLimit;

        var (liveSource, sourceRoot) = SyncPaths.ResolveSource(request.SourcePath);
        var (destination, destinationRoot) = SyncPaths.ResolveDestination(request.DestinationPath, liveSource);
        string source = liveSource;
        if (request.ReadSourceFrom is { } snapshot)
        {
            (source, sourceRoot) = SyncPaths.ResolveSource(snapshot);
        }

        var filter = new SyncFilter(request.Include, request.Exclude);
        bool owners = request.PreserveOwner || UnixFileSystem.IsRoot;
        var throttle = new ProgressThrottle(progress);

        // Changes can start while the scan runs unless the whole plan must be seen first.
        var scanStart = DateTimeOffset.UtcNow;
        var applier = request.DryRun ? null : new SyncApplier(request, source, destination, owners, scanStart, parallelism, throttle, cancellationToken);
        var startEarly = applier is not null && request.MaxDelete is null ? applier.StartEarly() : null;
        SyncPlan plan;
        try
        {
            plan = new TreeComparer(request, source, destination, filter, owners, scanStart, throttle, startEarly)
                .Compare(sourceRoot, destinationRoot, parallelism, cancellationToken);
        }
        finally
        {
            applier?.FinishEarly();
        }

        if (request.MaxDelete is { } maxDelete && plan.Deletions > maxDelete)
        {
            throw new BackupException(
                Errors.SyncMaxDeleteExceeded,
                $"The sync would delete {plan.Deletions} entries from '{destination}', more than {ParameterNames.Of(nameof(SyncRequest.MaxDelete))} {maxDelete} allows. Nothing was changed. (Is the source '{liveSource}' the right folder, and mounted?)",
                destination);
        }

        List<SyncChange> changes;
        List<ItemProblem> problems = [.. plan.Problems];
        if (applier is null)
        {
            changes = plan.Changes
                .Select(c => new SyncChange(c.Action, c.Path.Length == 0 ? "." : c.Path, c.ItemType, c.Reason, c.TransfersData ? c.Source!.Size : 0, 0))
                .ToList();
        }
        else
        {
            if (destinationRoot is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                UnixFileSystem.CreateDirectory(destination, 0x1C0);
            }

            var applied = applier.Apply(plan);
            changes = applied.Changes;
            problems.AddRange(applied.Problems);
        }

        if (source != liveSource)
        {
            problems = problems.Select(p => p with { Path = LivePath(p.Path, source, liveSource) }).ToList();
        }

        throttle.Report(() => new OperationProgress(Activity, "Done", null, changes.Count, changes.Count), force: true);
        long created = changes.Count(c => c.Action == SyncAction.Create);
        long updated = changes.Count(c => c.Action == SyncAction.Update);
        long deleted = changes.Count(c => c.Action == SyncAction.Delete);
        long changedSourceEntries = changes.Where(c => c.Action != SyncAction.Delete && c.Path != ".").Select(c => c.Path).Distinct(StringComparer.Ordinal).LongCount();
        return new SyncResult(
            liveSource,
            destination,
            plan.ItemsScanned,
            created,
            updated,
            deleted,
            Math.Max(0, plan.ItemsScanned - changedSourceEntries),
            changes.Sum(c => c.Bytes),
            changes.Sum(c => c.BytesReused),
            stopwatch.Elapsed,
            request.DryRun,
            changes,
            problems);
    }

    /// <summary>A path inside the folder the source was read from, as the same path inside the source.</summary>
    private static string LivePath(string path, string readFrom, string source) =>
        path == readFrom ? source : path.StartsWith(readFrom + "/", StringComparison.Ordinal) ? source + path[readFrom.Length..] : path;
}
