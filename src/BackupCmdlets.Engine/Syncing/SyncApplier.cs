using System.Collections.Concurrent;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Carries out a change plan: deletions first (deepest first, which also frees space), then new
/// folders (parents first), then files, symlinks and special files on parallel workers, then hard
/// links, then folder permissions and times (deepest first, after their contents), and finally the
/// racy-timestamp check. A failing entry becomes a problem and the run goes on. Changes to files in
/// folders that already exist can be handed over during the scan (<see cref="StartEarly"/>), so
/// copying overlaps scanning, as rsync's receiver works while its generator is still comparing.
/// </summary>
internal sealed class SyncApplier
{
    private const int MaximumRacyRounds = 3;
    private const int OwnerAll = 0x1C0; // rwx------

    private readonly SyncRequest _request;
    private readonly string _source;
    private readonly string _destination;
    private readonly bool _owners;
    private readonly DateTimeOffset _scanStart;
    private readonly int _parallelism;
    private readonly ProgressThrottle _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly FileCopier _copier;
    private readonly XattrCopier? _xattrs;
    private readonly ConcurrentBag<ItemProblem> _problems = [];
    private readonly ConcurrentDictionary<string, byte> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _touched = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(PlannedChange Change, Task<SyncChange?> Result)> _early = new();
    private readonly ConcurrentDictionary<PlannedChange, SyncChange?> _done = new(ReferenceEqualityComparer.Instance);

    // Destination folders looked at before names were created or removed in them, with the permissions
    // they had when the sync made them writable for its owner, or null when they needed no change.
    private readonly ConcurrentDictionary<string, int?> _writable = new(StringComparer.Ordinal);
    private WorkerThreads<SyncChange?>? _earlyWorkers;
    private long _itemsDone;
    private long _bytesDone;
    private long _itemsTotal;
    private long _bytesTotal;

    public SyncApplier(SyncRequest request, string source, string destination, bool owners, DateTimeOffset scanStart, int parallelism, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        _scanStart = scanStart;
        _request = request;
        _source = source;
        _destination = destination;
        _owners = owners;
        _parallelism = parallelism;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _xattrs = XattrCopier.For(request, _problems.Add);
        _copier = new FileCopier(owners, parallelism, request.Sparse, _xattrs, cancellationToken);
    }

    /// <summary>
    /// Starts the workers for changes handed over while the scan runs and answers where to hand them.
    /// Only for a change that needs no other change made first (its folder exists, nothing is deleted
    /// in its place) and only when nothing must wait for the whole plan (no -MaxDelete, no -WhatIf).
    /// </summary>
    public Action<PlannedChange> StartEarly()
    {
        var workers = new WorkerThreads<SyncChange?>(_parallelism, "sync");
        _earlyWorkers = workers;
        return change => _early.Enqueue((change, workers.Start(() => _cancellationToken.IsCancellationRequested ? null : Run(change, ApplyEntry))));
    }

    /// <summary>Waits for the changes handed over during the scan; also when the scan failed.</summary>
    public void FinishEarly()
    {
        if (_earlyWorkers is null)
        {
            return;
        }

        _earlyWorkers.Dispose();
        _earlyWorkers = null;
        foreach (var (change, result) in _early)
        {
            _done[change] = result.GetAwaiter().GetResult();
        }
    }

    public (List<SyncChange> Changes, List<ItemProblem> Problems) Apply(SyncPlan plan)
    {
        FinishEarly();
        _cancellationToken.ThrowIfCancellationRequested();
        var planned = plan.Changes;
        _itemsTotal = planned.Count;
        _bytesTotal = planned.Where(c => c.TransfersData).Sum(c => c.Source!.Size);
        var remaining = planned.Where(c => !c.StartedEarly).ToList();

        var deletions = remaining.Where(c => c.Action == SyncAction.Delete).ToList();
        deletions.Sort((a, b) => b.Depth.CompareTo(a.Depth));
        foreach (var change in deletions)
        {
            _done[change] = Run(change, Delete);
        }

        foreach (var change in remaining.Where(c => c is { Action: SyncAction.Create, ItemType: FileKind.Directory }))
        {
            _done[change] = Run(change, CreateDirectory);
        }

        // Largest first, so one big file does not start last and run on alone.
        var parallel = remaining.Where(c => c.Action != SyncAction.Delete && c.ItemType is not (FileKind.Directory or FileKind.HardLink)).ToList();
        parallel.Sort((a, b) => BytesOf(b).CompareTo(BytesOf(a)));
        var options = new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = _cancellationToken };
        Parallel.ForEach(Partitioner.Create(parallel, loadBalance: true), options, change => _done[change] = Run(change, ApplyEntry));

        foreach (var change in remaining.Where(c => c.ItemType == FileKind.HardLink))
        {
            _done[change] = Run(change, CreateHardLink);
        }

        // Before the folders are finished: a recopy renames inside them.
        var recopies = _request.Checksum ? [] : RecopyRacyFiles(plan.RacyFiles);

        var directoryUpdates = new Dictionary<string, PlannedChange>(StringComparer.Ordinal);
        foreach (var change in remaining.Where(c => c is { Action: SyncAction.Update, ItemType: FileKind.Directory }))
        {
            directoryUpdates[change.Path] = change;
        }

        var directories = plan.Directories.ToList();
        directories.Sort((a, b) => PlannedChange.DepthOf(b.Path).CompareTo(PlannedChange.DepthOf(a.Path)));
        foreach (var visit in directories)
        {
            bool listed = directoryUpdates.TryGetValue(visit.Path, out var update);
            if (visit.Destination is not null && !listed && !_touched.ContainsKey(visit.Path) && !WasMadeWritable(visit.Path))
            {
                continue;
            }

            var change = update ?? new PlannedChange(SyncAction.Update, SyncReason.Metadata, visit.Path, FileKind.Directory, visit.Source, visit.Destination);
            var result = Run(change, c => FinishDirectory(visit));
            if (listed)
            {
                _done[change] = result;
            }
        }

        var changes = planned.Select(c => _done.TryGetValue(c, out var made) ? made : null).OfType<SyncChange>().Concat(recopies).ToList();
        var problems = _problems.ToList();
        problems.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return (changes, problems);
    }

    private static long BytesOf(PlannedChange change) => change.TransfersData ? change.Source!.Size : 0;

    private List<SyncChange> RecopyRacyFiles(IReadOnlyList<string> racyFiles)
    {
        var changes = new List<SyncChange>();
        IReadOnlyCollection<string> candidates = racyFiles.Where(p => !_failed.ContainsKey(p)).ToList();
        for (int round = 0; round < MaximumRacyRounds && candidates.Count > 0; round++)
        {
            var stale = RacyTimestampGuard.FindStale(candidates, _source, _destination, _scanStart, _parallelism, _problems, _cancellationToken);
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
        MakeParentWritable(change.Path);
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
        MakeParentWritable(change.Path);
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
            MakeParentWritable(change.Path);
            return _copier.Transfer(sourcePath, source, destinationPath, change.Destination, _request.InPlace);
        }

        bool replace = change.Action == SyncAction.Create || change.Reason is SyncReason.Type or SyncReason.Content;
        if (!replace)
        {
            EntryMetadata.Apply(destinationPath, source, change.Destination, _owners);
            _xattrs?.Copy(sourcePath, destinationPath, change.ItemType, destinationPath);
            return default;
        }

        // A new symlink or special file is made under a temporary name and renamed over the old entry.
        MakeParentWritable(change.Path);
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
            _xattrs?.Copy(sourcePath, temporary, change.ItemType, destinationPath);
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

        MakeParentWritable(change.Path);
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
        if (current is not null && _writable.TryGetValue(visit.Path, out int? before) && before is { } permissions)
        {
            current = current with { Mode = permissions | OwnerAll };
        }

        EntryMetadata.Apply(path, visit.Source, current, _owners);
        _xattrs?.Copy(TreeComparer.FullPath(_source, visit.Path), path, FileKind.Directory, path);
        return default;
    }

    /// <summary>
    /// As rsync does when not root: a destination folder its owner may not write (a mirrored read-only
    /// folder, mode 555) is made writable for the owner before a name is created or removed in it, and
    /// gets its permissions back when it is finished. Root needs no write bit; a folder of another owner
    /// cannot be changed, and the write that follows reports the denial.
    /// </summary>
    private void MakeParentWritable(string path)
    {
        string folder = Parent(path);
        if (UnixFileSystem.IsRoot || _writable.ContainsKey(folder))
        {
            return;
        }

        lock (_writable)
        {
            if (_writable.ContainsKey(folder))
            {
                return;
            }

            string fullPath = TreeComparer.FullPath(_destination, folder);
            int? before = null;
            if (UnixFileSystem.TryLstat(fullPath) is { Kind: FileKind.Directory } metadata && (metadata.Permissions & OwnerAll) != OwnerAll)
            {
                try
                {
                    UnixFileSystem.SetPermissions(fullPath, metadata.Permissions | OwnerAll);
                    before = metadata.Permissions;
                }
                catch (IOException)
                {
                    // Not the owner's: the change in it fails and is reported as it would have been.
                }
            }

            _writable[folder] = before;
        }
    }

    private bool WasMadeWritable(string folder) => _writable.TryGetValue(folder, out int? before) && before is not null;

    private static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}
