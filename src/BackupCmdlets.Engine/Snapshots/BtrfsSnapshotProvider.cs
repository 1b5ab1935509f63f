using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Snapshots;

/// <summary>
/// btrfs: a read-only snapshot of the subvolume holding the source, made beside the subvolume's own
/// files as <c>.backupcmdlets-snapshot-*</c> (a snapshot must live on the same file system, and a
/// subvolume's snapshot does not contain itself), deleted afterwards.
/// </summary>
internal sealed class BtrfsSnapshotProvider : ISnapshotProvider
{
    public const string SnapshotPrefix = ".backupcmdlets-snapshot-";

    /// <summary>The inode number of every btrfs subvolume's root folder (BTRFS_FIRST_FREE_OBJECTID).</summary>
    private const ulong SubvolumeRootInode = 256;

    public SnapshotVolume? VolumeOf(string realFolder, Mount mount)
    {
        if (mount.FileSystem != "btrfs")
        {
            return null;
        }

        for (string? folder = realFolder; folder is not null && MountTable.IsSameOrInside(folder, mount.MountPoint); folder = Path.GetDirectoryName(folder))
        {
            if (UnixFileSystem.Lstat(folder).Inode == SubvolumeRootInode)
            {
                return new SnapshotVolume(this, mount, folder, $"btrfs subvolume {folder}");
            }
        }

        throw new BackupException(
            Errors.SnapshotNotSupported,
            $"'{realFolder}' is on btrfs at {mount.MountPoint}, but no subvolume root was found between them to snapshot.",
            realFolder);
    }

    public IEnumerable<string> NestedVolumes(SnapshotVolume volume, string realFolder)
    {
        // "btrfs subvolume list -o" names the subvolumes directly below this one by their path from the
        // file system's top level; "subvolume show" gives this one's ("/" for the top level itself).
        string output = SnapshotTool.RunOrFail(Errors.SnapshotFailed, "Listing the subvolumes below " + volume.Root, volume.Root, "btrfs", "subvolume", "list", "-o", volume.Root);
        string own = SnapshotTool.RunOrFail(Errors.SnapshotFailed, "Describing the subvolume " + volume.Root, volume.Root, "btrfs", "subvolume", "show", volume.Root)
            .Split('\n')[0].Trim();
        string ownPrefix = own == "/" ? "" : own.TrimEnd('/') + "/";
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int at = line.IndexOf(" path ", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            string path = line[(at + " path ".Length)..].Trim();
            if (path.StartsWith("<FS_TREE>/", StringComparison.Ordinal))
            {
                path = path["<FS_TREE>/".Length..];
            }

            if (!path.StartsWith(ownPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string live = Path.Join(volume.Root, path[ownPrefix.Length..]);
            if (live != realFolder && MountTable.IsSameOrInside(live, realFolder) && !Path.GetFileName(live).StartsWith(SnapshotPrefix, StringComparison.Ordinal))
            {
                yield return live;
            }
        }
    }

    public TakenSnapshot Take(SnapshotVolume volume)
    {
        string path = Path.Join(volume.Root, $"{SnapshotPrefix}{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        SnapshotTool.RunOrFail(Errors.SnapshotFailed, $"Snapshotting the btrfs subvolume {volume.Root}", volume.Root, "btrfs", "subvolume", "snapshot", "-r", volume.Root, path);
        return new TakenSnapshot(volume, path, new VolumeSnapshot(SnapshotProvider.Btrfs, "btrfs", volume.Root, path, DateTimeOffset.UtcNow));
    }

    public void Remove(TakenSnapshot snapshot) =>
        SnapshotTool.RunOrFail(Errors.SnapshotNotRemoved, $"Deleting the snapshot {snapshot.ReadRoot}", snapshot.ReadRoot, "btrfs", "subvolume", "delete", snapshot.ReadRoot);
}
