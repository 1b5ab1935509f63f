using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Incremental;

/// <summary>
/// Decides, as GNU tar's listed-incremental mode does, what a run stores, and gathers the snapshot the
/// next run starts from. A folder the previous snapshot does not know by its name, device and inode
/// (new, recreated, or renamed: GNU tar records a rename, this stores the folder whole, which restores
/// the same tree) has all of its contents stored, and so have the folders below it. In a known folder a
/// file is stored when its name is new there, or its modification or change time is not older than
/// the start of the previous run. Every folder gets a dumpdir.
/// </summary>
internal sealed class IncrementalDump
{
    private readonly Dictionary<string, SnapshotFolder> _previous = new(StringComparer.Ordinal);
    private readonly UnixTime? _since;
    private readonly bool _checkDevice;
    private readonly List<SnapshotFolder> _folders = [];
    private readonly Dictionary<string, int> _folderByPath = new(StringComparer.Ordinal);
    private readonly UnixTime _started;

    /// <param name="previous">The snapshot of the previous run; null for a full dump.</param>
    /// <param name="started">When this run started, by the clock file times are stamped with.</param>
    public IncrementalDump(SnapshotFile? previous, UnixTime started, bool checkDevice)
    {
        _since = previous?.Started;
        _started = started;
        _checkDevice = checkDevice;
        foreach (var folder in previous?.Folders ?? [])
        {
            _previous[folder.Name] = folder;
        }
    }

    /// <summary>True when only changes since a previous run are stored.</summary>
    public bool IsIncremental => _since is not null;

    /// <summary>
    /// How the contents of the folder named <paramref name="name"/> (as the archive names it, without a
    /// trailing '/') are chosen; <paramref name="parentWhole"/> when its parent is stored whole.
    /// </summary>
    public FolderScope Folder(string name, FileMetadata meta, bool parentWhole)
    {
        if (_since is null || parentWhole || !_previous.TryGetValue(name, out var known))
        {
            return new FolderScope(true, null);
        }

        bool sameDevice = !_checkDevice || known.Nfs || known.Device == DeviceNumber(meta);
        if (!sameDevice || known.Inode != meta.Inode)
        {
            return new FolderScope(true, null);
        }

        return new FolderScope(false, known.Contents.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Whether a file (anything but a folder) in a folder of <paramref name="scope"/> is stored.</summary>
    public bool IsChanged(FolderScope scope, string childName, FileMetadata meta) =>
        scope.Whole
        || !scope.KnownNames!.Contains(childName)
        || meta.ModifiedTime.CompareTo(_since!.Value) >= 0
        || meta.ChangeTime.CompareTo(_since!.Value) >= 0;

    /// <summary>Notes a folder (<paramref name="path"/> on disk) as this run found it, for the snapshot.</summary>
    public void Record(string name, string path, FileMetadata meta, IReadOnlyList<DumpDirectoryName> contents)
    {
        _folderByPath[path] = _folders.Count;
        _folders.Add(new SnapshotFolder(false, meta.ModifiedTime, DeviceNumber(meta), meta.Inode, name, contents));
    }

    /// <summary>
    /// Drops a file this run could not store from its folder's names in the snapshot: to the next run its
    /// name is new, so it is stored then even if it does not change meanwhile.
    /// </summary>
    public void StoreNextTime(string path)
    {
        if (Path.GetDirectoryName(path) is { } folderPath && _folderByPath.TryGetValue(folderPath, out int index))
        {
            string leaf = Path.GetFileName(path);
            var folder = _folders[index];
            _folders[index] = folder with { Contents = folder.Contents.Where(c => c.Name != leaf).ToList() };
        }
    }

    /// <summary>The snapshot for the next run.</summary>
    public SnapshotFile ToSnapshot() => new(_started, _folders);

    /// <summary>The device as st_dev holds it (glibc's dev_t), which is what GNU tar writes.</summary>
    private static ulong DeviceNumber(FileMetadata meta) =>
        UnixFileSystem.DeviceNumber((int)(meta.Device >> 32), (int)(meta.Device & 0xFFFF_FFFF));
}
