using System.Collections.Concurrent;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Scans the source and destination trees side by side, folder by folder on parallel workers, and
/// works out the change plan. Nothing is changed here.
/// </summary>
internal sealed class TreeComparer
{
    private readonly SyncRequest _request;
    private readonly string _source;
    private readonly string _destination;
    private readonly SyncFilter _filter;
    private readonly bool _owners;
    private readonly DateTimeOffset _scanStart;
    private readonly ProgressThrottle _progress;
    private readonly Action<PlannedChange>? _startEarly;
    private readonly ConcurrentBag<PlannedChange> _changes = [];
    private readonly ConcurrentBag<DirectoryVisit> _directories = [];
    private readonly ConcurrentBag<string> _racy = [];
    private readonly ConcurrentBag<ItemProblem> _problems = [];
    private readonly ConcurrentBag<HardLinkMember> _hardLinkMembers = [];
    private readonly XattrCopier? _xattrs;
    private long _scanned;

    /// <param name="startEarly">
    /// When given, receives each change to a regular file in a destination folder that already exists as
    /// soon as it is found, to be applied while the scan goes on: such a change depends on no other.
    /// </param>
    public TreeComparer(SyncRequest request, string source, string destination, SyncFilter filter, bool owners, DateTimeOffset scanStart, ProgressThrottle progress, Action<PlannedChange>? startEarly = null)
    {
        _request = request;
        _source = source;
        _destination = destination;
        _filter = filter;
        _owners = owners;
        _scanStart = scanStart;
        _progress = progress;
        _startEarly = startEarly;
        _xattrs = XattrCopier.For(request, _problems.Add);
    }

    private bool Deletes => _request.Delete || _request.DeleteExcluded;

    public SyncPlan Compare(FileMetadata sourceRoot, FileMetadata? destinationRoot, int parallelism, CancellationToken cancellationToken)
    {
        _directories.Add(new DirectoryVisit("", sourceRoot, destinationRoot));
        if (destinationRoot is not null && Difference("", sourceRoot, destinationRoot) is { } rootReason)
        {
            _changes.Add(new PlannedChange(SyncAction.Update, rootReason, "", FileKind.Directory, sourceRoot, destinationRoot));
        }

        var level = new List<PendingFolder> { new("", destinationRoot is not null) };
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        while (level.Count > 0)
        {
            var next = new ConcurrentBag<PendingFolder>();
            Parallel.ForEach(level, options, folder => Visit(folder.Path, folder.DestinationExists, next));
            level = [.. next];
        }

        PlanHardLinks();
        var changes = _changes.ToList();
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var problems = _problems.ToList();
        problems.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new SyncPlan(changes, [.. _directories], [.. _racy], _scanned, problems);
    }

    public static string Join(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;

    public static string FullPath(string root, string relative) => relative.Length == 0 ? root : root + "/" + relative;

    private void Visit(string relative, bool destinationExists, ConcurrentBag<PendingFolder> next)
    {
        List<DirectoryEntry> sourceEntries;
        try
        {
            sourceEntries = UnixFileSystem.ReadDirectory(FullPath(_source, relative));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unknown contents: nothing below this folder is copied or deleted.
            _problems.Add(SyncProblems.Read(FullPath(_source, relative), ex));
            return;
        }

        Dictionary<string, DirectoryEntry> destinationByName = new(StringComparer.Ordinal);
        if (destinationExists)
        {
            try
            {
                foreach (var entry in UnixFileSystem.ReadDirectory(FullPath(_destination, relative)))
                {
                    destinationByName[entry.Name] = entry;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unknown destination contents: nothing below this folder is compared, copied or deleted.
                _problems.Add(new ItemProblem(FullPath(_destination, relative), Errors.SyncDestinationUnreadable, $"The destination folder cannot be read: {ex.Message}"));
                return;
            }
        }

        foreach (var entry in sourceEntries)
        {
            string path = Join(relative, entry.Name);
            var source = entry.Metadata;
            if (!_filter.IsEmpty && _filter.IsExcluded(path, source.Kind == FileKind.Directory))
            {
                continue;
            }

            destinationByName.Remove(entry.Name, out var existing);
            Interlocked.Increment(ref _scanned);
            try
            {
                CompareEntry(path, source, existing?.Metadata, destinationExists, next);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _problems.Add(SyncProblems.Read(FullPath(_source, path), ex));
            }
        }

        long scanned = Interlocked.Read(ref _scanned);
        _progress.Report(() => new OperationProgress(DeltaSync.Activity, "Comparing", relative, scanned));
        foreach (var extra in destinationByName.Values)
        {
            string path = Join(relative, extra.Name);
            bool isDirectory = extra.Metadata.Kind == FileKind.Directory;
            if (TemporaryName.IsTemporary(extra.Name))
            {
                PlanDeletion(path, extra.Metadata, SyncReason.Deleted, counts: false, keepExcluded: false);
            }
            else if (Deletes && (_request.DeleteExcluded || _filter.IsEmpty || !_filter.IsExcluded(path, isDirectory)))
            {
                PlanDeletion(path, extra.Metadata, SyncReason.Deleted, counts: true, keepExcluded: !_request.DeleteExcluded);
            }
        }
    }

    private void CompareEntry(string path, FileMetadata source, FileMetadata? destination, bool folderExists, ConcurrentBag<PendingFolder> next)
    {
        switch (source.Kind)
        {
            case FileKind.Directory:
                bool destinationIsDirectory = destination?.Kind == FileKind.Directory;
                if (destination is null)
                {
                    _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.New, path, FileKind.Directory, source, null));
                }
                else if (!destinationIsDirectory)
                {
                    PlanDeletion(path, destination, SyncReason.Type, counts: true, keepExcluded: false);
                    _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.Type, path, FileKind.Directory, source, null));
                }

                if (destinationIsDirectory && Difference(path, source, destination!) is { } reason)
                {
                    _changes.Add(new PlannedChange(SyncAction.Update, reason, path, FileKind.Directory, source, destination));
                }

                _directories.Add(new DirectoryVisit(path, source, destinationIsDirectory ? destination : null));
                next.Add(new PendingFolder(path, destinationIsDirectory));
                break;
            case FileKind.File when _request.HardLinks && source.LinkCount > 1:
                _hardLinkMembers.Add(new HardLinkMember(path, source, destination));
                break;
            case FileKind.File:
                PlanFile(path, source, destination, mayStartEarly: folderExists);
                break;
            case FileKind.SymbolicLink:
                PlanSymbolicLink(path, source, destination);
                break;
            default:
                PlanSpecialFile(path, source, destination);
                break;
        }
    }

    private PlannedChange? PlanFile(string path, FileMetadata source, FileMetadata? destination, bool mayStartEarly = false)
    {
        PlannedChange? change = null;
        if (destination is null)
        {
            change = new PlannedChange(SyncAction.Create, SyncReason.New, path, FileKind.File, source, null) { TransfersData = true };
        }
        else if (destination.Kind == FileKind.Directory)
        {
            PlanDeletion(path, destination, SyncReason.Type, counts: true, keepExcluded: false);
            change = new PlannedChange(SyncAction.Create, SyncReason.Type, path, FileKind.File, source, null) { TransfersData = true };
        }
        else if (destination.Kind != FileKind.File)
        {
            change = new PlannedChange(SyncAction.Update, SyncReason.Type, path, FileKind.File, source, destination) { TransfersData = true };
        }
        else if (source.Size != destination.Size)
        {
            change = new PlannedChange(SyncAction.Update, SyncReason.Size, path, FileKind.File, source, destination) { TransfersData = true };
        }
        else if (_request.Checksum)
        {
            change = !FileContents.Same(FullPath(_source, path), FullPath(_destination, path))
                ? new PlannedChange(SyncAction.Update, SyncReason.Content, path, FileKind.File, source, destination) { TransfersData = true }
                : MetadataChange(path, source, destination);
        }
        else if (source.ModifiedTime != destination.ModifiedTime)
        {
            change = new PlannedChange(SyncAction.Update, SyncReason.Time, path, FileKind.File, source, destination) { TransfersData = true };
        }
        else
        {
            change = MetadataChange(path, source, destination);
        }

        if (!_request.Checksum && RacyTimestampGuard.IsRacy(source.ModifiedTime, _scanStart))
        {
            _racy.Add(path);
        }

        if (change is not null)
        {
            if (mayStartEarly && _startEarly is not null && destination?.Kind is null or FileKind.File)
            {
                change = change with { StartedEarly = true };
                _startEarly(change);
            }

            _changes.Add(change);
        }

        return change;
    }

    private void PlanSymbolicLink(string path, FileMetadata source, FileMetadata? destination)
    {
        string target = UnixFileSystem.ReadLink(FullPath(_source, path));
        if (destination is null)
        {
            _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.New, path, FileKind.SymbolicLink, source, null) { LinkTarget = target });
        }
        else if (destination.Kind == FileKind.Directory)
        {
            PlanDeletion(path, destination, SyncReason.Type, counts: true, keepExcluded: false);
            _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.Type, path, FileKind.SymbolicLink, source, null) { LinkTarget = target });
        }
        else if (destination.Kind != FileKind.SymbolicLink)
        {
            _changes.Add(new PlannedChange(SyncAction.Update, SyncReason.Type, path, FileKind.SymbolicLink, source, destination) { LinkTarget = target });
        }
        else if (UnixFileSystem.ReadLink(FullPath(_destination, path)) != target)
        {
            _changes.Add(new PlannedChange(SyncAction.Update, SyncReason.Content, path, FileKind.SymbolicLink, source, destination) { LinkTarget = target });
        }
        else if (MetadataChange(path, source, destination) is { } change)
        {
            _changes.Add(change);
        }
    }

    private void PlanSpecialFile(string path, FileMetadata source, FileMetadata? destination)
    {
        bool isDevice = source.Kind is FileKind.CharacterDevice or FileKind.BlockDevice;
        if (destination is null)
        {
            _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.New, path, source.Kind, source, null));
        }
        else if (destination.Kind == FileKind.Directory)
        {
            PlanDeletion(path, destination, SyncReason.Type, counts: true, keepExcluded: false);
            _changes.Add(new PlannedChange(SyncAction.Create, SyncReason.Type, path, source.Kind, source, null));
        }
        else if (destination.Kind != source.Kind)
        {
            _changes.Add(new PlannedChange(SyncAction.Update, SyncReason.Type, path, source.Kind, source, destination));
        }
        else if (isDevice && (source.DeviceMajor != destination.DeviceMajor || source.DeviceMinor != destination.DeviceMinor))
        {
            _changes.Add(new PlannedChange(SyncAction.Update, SyncReason.Content, path, source.Kind, source, destination));
        }
        else if (MetadataChange(path, source, destination) is { } change)
        {
            _changes.Add(change);
        }
    }

    /// <summary>
    /// A change of permissions, owner or time only. A destination file with other names gets a fresh
    /// copy instead, so the change does not show through names that are not the same file in the source.
    /// </summary>
    private PlannedChange? MetadataChange(string path, FileMetadata source, FileMetadata destination) =>
        Difference(path, source, destination) is { } reason
            ? new PlannedChange(SyncAction.Update, reason, path, source.Kind, source, destination)
            {
                TransfersData = destination is { Kind: FileKind.File, LinkCount: > 1 },
            }
            : null;

    /// <summary>What differs besides the data (<see cref="EntryMetadata.Difference"/>), extended attributes and ACLs included when asked for.</summary>
    private SyncReason? Difference(string path, FileMetadata source, FileMetadata destination) =>
        EntryMetadata.Difference(source, destination, _owners)
        ?? (_xattrs?.Differ(FullPath(_source, path), FullPath(_destination, path), source.Kind) == true ? SyncReason.Metadata : null);

    /// <summary>
    /// Plans the removal of a destination entry, a folder with everything in it (deepest first when
    /// applied). With <paramref name="keepExcluded"/>, excluded entries inside survive, and so do the
    /// folders that hold them. Answers true when something was kept.
    /// </summary>
    private bool PlanDeletion(string path, FileMetadata destination, SyncReason reason, bool counts, bool keepExcluded)
    {
        bool kept = false;
        if (destination.Kind == FileKind.Directory)
        {
            List<DirectoryEntry> children;
            try
            {
                children = UnixFileSystem.ReadDirectory(FullPath(_destination, path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _problems.Add(new ItemProblem(FullPath(_destination, path), Errors.SyncDeleteFailed, ex.Message));
                return true;
            }

            foreach (var child in children)
            {
                string childPath = Join(path, child.Name);
                if (keepExcluded && !_filter.IsEmpty && _filter.IsExcluded(childPath, child.Metadata.Kind == FileKind.Directory))
                {
                    kept = true;
                    continue;
                }

                kept |= PlanDeletion(childPath, child.Metadata, reason, counts, keepExcluded);
            }
        }

        if (!kept)
        {
            _changes.Add(new PlannedChange(SyncAction.Delete, reason, path, destination.Kind, null, destination) { CountsAsDeletion = counts });
        }

        return kept;
    }

    /// <summary>
    /// Files with several names in the source: the first name (in path order) is synced as a file, the
    /// others become hard links to it unless the destination already links them to the same file.
    /// </summary>
    private void PlanHardLinks()
    {
        if (_hardLinkMembers.IsEmpty)
        {
            return;
        }

        var groups = _hardLinkMembers.GroupBy(m => (m.Source.Device, m.Source.Inode));
        foreach (var group in groups)
        {
            var members = group.OrderBy(m => m.Path, StringComparer.Ordinal).ToList();
            var leader = members[0];
            var leaderChange = PlanFile(leader.Path, leader.Source, leader.Destination);
            bool leaderReplaced = leaderChange is { TransfersData: true } && !FileCopier.UpdatesInPlace(_request.InPlace, leader.Destination);
            foreach (var member in members.Skip(1))
            {
                var destination = member.Destination;
                bool linked = !leaderReplaced && destination?.Kind == FileKind.File && leader.Destination is { } leaderDestination
                    && destination.Device == leaderDestination.Device && destination.Inode == leaderDestination.Inode;
                if (linked)
                {
                    continue;
                }

                if (destination?.Kind == FileKind.Directory)
                {
                    PlanDeletion(member.Path, destination, SyncReason.Type, counts: true, keepExcluded: false);
                    destination = null;
                }

                _changes.Add(new PlannedChange(
                    destination is null ? SyncAction.Create : SyncAction.Update,
                    destination is null ? SyncReason.New : SyncReason.Content,
                    member.Path,
                    FileKind.HardLink,
                    member.Source,
                    destination) { HardLinkLeader = leader.Path });
            }
        }
    }

    private sealed record HardLinkMember(string Path, FileMetadata Source, FileMetadata? Destination);

    /// <summary>A folder to scan at the next level. (A class, not a tuple: generic code over classes is precompiled, which saves start-up time.)</summary>
    private sealed record PendingFolder(string Path, bool DestinationExists);
}
