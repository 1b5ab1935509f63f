using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Snapshots;

/// <summary>
/// The snapshots of a -Snapshot run: one per volume holding a source, taken one right after the other
/// once every source has been checked, and removed in <see cref="RunAsync{T}"/>'s finally, also when the
/// work fails or is cancelled. <see cref="ReadPath"/> says where a live path is read from meanwhile.
/// </summary>
internal sealed class SnapshotSet
{
    private static readonly ISnapshotProvider[] Providers = [new BtrfsSnapshotProvider(), new LvmSnapshotProvider()];

    private readonly List<TakenSnapshot> _taken = [];
    private readonly List<VolumeSnapshot> _snapshots = [];
    private readonly Dictionary<string, string> _readPaths = new(StringComparer.Ordinal);

    private SnapshotSet()
    {
    }

    /// <summary>Every snapshot taken, with its time, also once removed.</summary>
    public IReadOnlyList<VolumeSnapshot> Snapshots => _snapshots;

    /// <summary>
    /// Live paths to leave out of the walk: other runs' btrfs snapshots next to a subvolume's files, which
    /// this run's snapshot shows as empty folders.
    /// </summary>
    public IReadOnlyList<string> OtherSnapshots { get; private set; } = [];

    /// <summary>
    /// Takes the snapshots for the given paths, runs the work on them, and removes them whatever happens.
    /// A snapshot that cannot be removed is a problem of a result (<paramref name="addProblems"/>), or,
    /// when the work failed, an error that holds the work's own failure and names the snapshot to remove.
    /// </summary>
    public static async Task<T> RunAsync<T>(IEnumerable<string> paths, Func<SnapshotSet, Task<T>> work, Func<T, SnapshotSet, IReadOnlyList<ItemProblem>, T> addProblems)
    {
        var set = new SnapshotSet();
        T result;
        try
        {
            set.Take(paths);
            result = await work(set);
        }
        catch (Exception failure)
        {
            var leftOver = set.RemoveAll();
            if (leftOver.Count > 0)
            {
                throw new BackupException(
                    Errors.SnapshotNotRemoved,
                    $"The run failed ({failure.Message}) and then {string.Join("; ", leftOver.Select(p => p.Message))}. Remove it by hand.",
                    leftOver[0].Path,
                    failure);
            }

            throw;
        }

        return addProblems(result, set, set.RemoveAll());
    }

    /// <summary>Where a given path is read from: the same place relative to its volume's snapshot, as found when the snapshots were taken.</summary>
    public string ReadPath(string livePath) =>
        _readPaths.TryGetValue(Key(livePath), out string? readPath)
            ? readPath
            : throw new BackupException(Errors.PathNotFound, $"'{livePath}' did not exist when the snapshots were taken.", livePath);

    private void Take(IEnumerable<string> paths)
    {
        var mounts = MountTable.Read();
        var volumes = new List<SnapshotVolume>();
        var sources = new List<(string Key, string Resolved, SnapshotVolume Volume)>();
        foreach (string path in paths.Select(Key))
        {
            if (UnixFileSystem.TryLstat(path) is not { } meta)
            {
                continue;
            }

            var (resolved, folder) = Resolve(path);
            var mount = mounts.MountOf(folder);
            var volume = Providers.Select(p => p.VolumeOf(folder, mount)).FirstOrDefault(v => v is not null)
                ?? throw new BackupException(
                    Errors.SnapshotNotSupported,
                    $"'{path}' is on {mount.FileSystem} ({mount.Source} at {mount.MountPoint}), which cannot be snapshotted: {ParameterNames.Of("Snapshot")} works on btrfs subvolumes and LVM logical volumes.",
                    path);
            if (meta.Kind == FileKind.Directory || UnixFileSystem.TryLstat(resolved)?.Kind == FileKind.Directory)
            {
                string? nested = mounts.MountPointsInside(resolved).Concat(volume.Provider.NestedVolumes(volume, resolved)).FirstOrDefault();
                if (nested is not null)
                {
                    throw new BackupException(
                        Errors.SnapshotNestedVolume,
                        $"'{path}' holds '{nested}', another volume, which the snapshot of {volume.Name} would show as an empty folder. Back it up in a run of its own, or leave out {ParameterNames.Of("Snapshot")}.",
                        path);
                }
            }

            var same = volumes.FirstOrDefault(v => v.Provider == volume.Provider && v.Root == volume.Root);
            if (same is null)
            {
                volumes.Add(volume);
            }

            sources.Add((path, resolved, same ?? volume));
        }

        foreach (var volume in volumes)
        {
            var snapshot = volume.Provider.Take(volume);
            _taken.Add(snapshot);
            _snapshots.Add(snapshot.Description);
        }

        foreach (var (key, resolved, volume) in sources)
        {
            var snapshot = _taken.Single(t => t.Volume == volume);
            _readPaths[key] = resolved == volume.Root ? snapshot.ReadRoot : snapshot.ReadRoot + resolved[volume.Root.TrimEnd('/').Length..];
        }

        OtherSnapshots = _taken
            .Where(t => t.Volume.Provider is BtrfsSnapshotProvider)
            .SelectMany(t => Directory.EnumerateDirectories(t.Volume.Root, BtrfsSnapshotProvider.SnapshotPrefix + "*"))
            .ToList();
    }

    /// <summary>Removes every snapshot taken; answers one problem per snapshot that stays.</summary>
    private List<ItemProblem> RemoveAll()
    {
        var problems = new List<ItemProblem>();
        foreach (var snapshot in _taken)
        {
            try
            {
                snapshot.Volume.Provider.Remove(snapshot);
            }
            catch (Exception ex) when (ex is BackupException or IOException)
            {
                problems.Add(new ItemProblem(snapshot.Description.SnapshotPath, Errors.SnapshotNotRemoved, ex.Message));
            }
        }

        _taken.Clear();
        return problems;
    }

    /// <summary>A given path as the walk names it: full, without a trailing '/'.</summary>
    private static string Key(string path)
    {
        string full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>
    /// A full path with its symlinks resolved, except the last name when that is a symlink (which is archived
    /// as a link), and the real folder whose volume holds it: the path itself for a folder, else its parent.
    /// </summary>
    private static (string Resolved, string VolumeFolder) Resolve(string full)
    {
        if (UnixFileSystem.TryLstat(full) is { Kind: FileKind.SymbolicLink } && Path.GetDirectoryName(full) is { } parent)
        {
            string folder = UnixFileSystem.RealPath(parent);
            return (Path.Join(folder, Path.GetFileName(full)), folder);
        }

        string resolved = UnixFileSystem.RealPath(full);
        return (resolved, UnixFileSystem.Lstat(resolved).Kind == FileKind.Directory ? resolved : Path.GetDirectoryName(resolved) ?? "/");
    }
}
