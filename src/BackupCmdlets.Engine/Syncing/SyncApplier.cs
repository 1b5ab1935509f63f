using System.Collections.Concurrent;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Carries out a change plan: deletions first (deepest first, which also frees space), then new
/// folders (parents first), then files, symlinks and special files on parallel workers, then hard
/// links, then folder permissions and times (deepest first, after their contents), and finally the
/// racy-timestamp check. A failing entry becomes a problem and the run goes on.
/// </summary>
internal sealed class SyncApplier
{
    private const int MaximumRacyRounds = 3;

    private readonly SyncRequest _request;
    private readonly string _source;
    private readonly string _destination;
    private readonly bool _owners;
    private readonly int _parallelism;
    private readonly ProgressThrottle _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly FileCopier _copier;
    private readonly ConcurrentBag<ItemProblem> _problems = [];
    private readonly ConcurrentDictionary<string, byte> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _touched = new(StringComparer.Ordinal);
    private long _itemsDone;
    private long _bytesDone;
    private long _itemsTotal;
    private long _bytesTotal;

    public SyncApplier(SyncRequest request, string source, string destination, bool owners, int parallelism, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        _request = request;
        _source = source;
        _destination = destination;
        _owners = owners;
        _parallelism = parallelism;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _copier = new FileCopier(owners, parallelism, cancellationToken);
    }

    public (List<SyncChange> Changes, List<ItemProblem> Problems) Apply(SyncPlan plan)
    {
        var planned = plan.Changes;
        var done = new SyncChange?[planned.Count];
        _itemsTotal = planned.Count;
        _bytesTotal = planned.Where(c => c.TransfersData).Sum(c => c.Source!.Size);
        var order = Enumerable.Range(0, planned.Count).ToList();

        foreach (int i in order.Where(i => planned[i].Action == SyncAction.Delete).OrderByDescending(i => planned[i].Depth))
        {
            done[i] = Run(planned[i], Delete);
        }

        foreach (int i in order.Where(i => planned[i] is { Action: SyncAction.Create, ItemType: FileKind.Directory }))
        {
            done[i] = Run(planned[i], CreateDirectory);
        }

        var parallel = order.Where(i => planned[i].Action != SyncAction.Delete && planned[i].ItemType is not (FileKind.Directory or FileKind.HardLink))
            .OrderByDescending(i => planned[i].TransfersData ? planned[i].Source!.Size : 0)
            .ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = _cancellationToken };
        Parallel.ForEach(Partitioner.Create(parallel, loadBalance: true), options, i => done[i] = Run(planned[i], ApplyEntry));

        foreach (int i in order.Where(i => planned[i].ItemType == FileKind.HardLink))
        {
            done[i] = Run(planned[i], CreateHardLink);
        }

        // Before the folders are finished: a recopy renames inside them.
        var recopies = _request.Checksum ? [] : RecopyRacyFiles(plan.RacyFiles);

        var directoryUpdates = order.Where(i => planned[i] is { Action: SyncAction.Update, ItemType: FileKind.Directory }).ToDictionary(i => planned[i].Path, i => i, StringComparer.Ordinal);
        foreach (var visit in plan.Directories.OrderByDescending(d => PlannedChange.DepthOf(d.Path)))
        {
            bool listed = directoryUpdates.TryGetValue(visit.Path, out int index);
            if (visit.Destination is not null && !listed && !_touched.ContainsKey(visit.Path))
            {
                continue;
            }

            var change = listed ? planned[index] : new PlannedChange(SyncAction.Update, SyncReason.Metadata, visit.Path, FileKind.Directory, visit.Source, visit.Destination);
            var result = Run(change, c => FinishDirectory(visit));
            if (listed)
            {
                done[index] = result;
            }
        }

        var changes = done.OfType<SyncChange>().Concat(recopies).ToList();
        var problems = _problems.ToList();
        problems.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (changes, problems);
    }

    private List<SyncChange> RecopyRacyFiles(IReadOnlyList<string> racyFiles)
    {
        var changes = new List<SyncChange>();
        IReadOnlyCollection<string> candidates = racyFiles.Where(p => !_failed.ContainsKey(p)).ToList();
        for (int round = 0; round < MaximumRacyRounds && candidates.Count > 0; round++)
        {
            var stale = RacyTimestampGuard.FindStale(candidates, _source, _destination, _parallelism, _cancellationToken);
            var recopied = new List<string>();
            foreach (var (path, source, destination) in stale)
            {
                var change = new PlannedChange(SyncAction.Update, SyncReason.Content, path, FileKind.File, source, destination) { TransfersData = true };
                if (Run(change, ApplyEntry) is { } result)
                {
                    changes.Add(result);
                    recopied.Add(path);
                }
            }

            candidates = recopied;
        }

        return changes;
    }

    /// <summary>Runs one change, turning a failure into a problem; answers the change as made, or null.</summary>
    private SyncChange? Run(PlannedChange change, Func<PlannedChange, FileCopier.Outcome> apply)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var outcome = apply(change);
            if (change.Action != SyncAction.Update || change.TransfersData || change.ItemType is not (FileKind.File or FileKind.Directory))
            {
                _touched.TryAdd(Parent(change.Path), 0);
            }

            long items = Interlocked.Increment(ref _itemsDone);
            long bytes = Interlocked.Add(ref _bytesDone, change.TransfersData ? change.Source!.Size : 0);
            _progress.Report(() => new OperationProgress(DeltaSync.Activity, "Copying", change.Path, items, _itemsTotal, bytes, _bytesTotal));
            return new SyncChange(change.Action, change.Path.Length == 0 ? "." : change.Path, change.ItemType, change.Reason, outcome.BytesWritten, outcome.BytesReused);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BackupException)
        {
            _failed.TryAdd(change.Path, 0);
            _problems.Add(SyncProblems.Write(TreeComparer.FullPath(_destination, change.Path), ex));
            return null;
        }
    }

    private FileCopier.Outcome Delete(PlannedChange change)
    {
        string path = TreeComparer.FullPath(_destination, change.Path);
        try
        {
            if (change.ItemType == FileKind.Directory)
            {
                UnixFileSystem.DeleteDirectory(path);
            }
            else
            {
                UnixFileSystem.DeleteFile(path);
            }
        }
        catch (FileNotFoundException)
        {
            // Already gone: the goal is reached.
        }

        return default;
    }

    private FileCopier.Outcome CreateDirectory(PlannedChange change)
    {
        // Owner-only while its contents are written; the real permissions come last.
        UnixFileSystem.CreateDirectory(TreeComparer.FullPath(_destination, change.Path), 0x1C0);
        return default;
    }

    private FileCopier.Outcome ApplyEntry(PlannedChange change)
    {
        string sourcePath = TreeComparer.FullPath(_source, change.Path);
        string destinationPath = TreeComparer.FullPath(_destination, change.Path);
        var source = change.Source!;
        if (change.TransfersData)
        {
            return _copier.Transfer(sourcePath, source, destinationPath, change.Destination, _request.InPlace);
        }

        bool replace = change.Action == SyncAction.Create || change.Reason is SyncReason.Type or SyncReason.Content;
        if (!replace)
        {
            EntryMetadata.Apply(destinationPath, source, change.Destination, _owners);
            return default;
        }

        // A new symlink or special file is made under a temporary name and renamed over the old entry.
        string temporary = TemporaryName.For(destinationPath);
        try
        {
            if (change.ItemType == FileKind.SymbolicLink)
            {
                UnixFileSystem.CreateSymbolicLink(change.LinkTarget!, temporary);
            }
            else
            {
                UnixFileSystem.CreateSpecialFile(temporary, change.ItemType, source.Permissions, source.DeviceMajor, source.DeviceMinor);
            }

            EntryMetadata.Apply(temporary, source, null, _owners);
            UnixFileSystem.Rename(temporary, destinationPath, replace: true);
        }
        catch
        {
            if (UnixFileSystem.TryLstat(temporary) is not null)
            {
                UnixFileSystem.DeleteFile(temporary);
            }

            throw;
        }

        return default;
    }

    private FileCopier.Outcome CreateHardLink(PlannedChange change)
    {
        string destinationPath = TreeComparer.FullPath(_destination, change.Path);
        if (_failed.ContainsKey(change.HardLinkLeader!))
        {
            throw new IOException($"Not linked: its first name '{change.HardLinkLeader}' could not be synced.");
        }

        string temporary = TemporaryName.For(destinationPath);
        UnixFileSystem.CreateHardLink(TreeComparer.FullPath(_destination, change.HardLinkLeader!), temporary);
        UnixFileSystem.Rename(temporary, destinationPath, replace: true);
        if (UnixFileSystem.TryLstat(temporary) is not null)
        {
            // rename(2) does nothing when both names already are the same file.
            UnixFileSystem.DeleteFile(temporary);
        }

        return default;
    }

    private FileCopier.Outcome FinishDirectory(DirectoryVisit visit)
    {
        string path = TreeComparer.FullPath(_destination, visit.Path);
        var current = visit.Destination is { } existing && !_touched.ContainsKey(visit.Path) ? existing : visit.Destination is { } touched ? touched with { ModifiedTime = default } : null;
        EntryMetadata.Apply(path, visit.Source, current, _owners);
        return default;
    }

    private static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}
