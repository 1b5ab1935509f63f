namespace BackupCmdlets.Engine.Snapshots;

/// <summary>
/// LVM: <c>lvcreate --snapshot</c> of the logical volume a mount comes from, mounted read-only on a
/// private folder, then unmounted and <c>lvremove</c>d. lvcreate suspends the origin through
/// device-mapper, which freezes its file system (as fsfreeze does) while the snapshot is made, so the
/// snapshot holds a clean file system. The snapshot gets a tenth of the origin's size for the blocks
/// written meanwhile.
/// </summary>
internal sealed class LvmSnapshotProvider : ISnapshotProvider
{
    private const string SnapshotPrefix = "backupcmdlets-snap-";

    public SnapshotVolume? VolumeOf(string realFolder, Mount mount)
    {
        if (!mount.Source.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return null;
        }

        var (exitCode, output, _) = SnapshotTool.Run("lvs", "--noheadings", "--separator", "/", "-o", "vg_name,lv_name", mount.Source);
        string name = output.Trim();
        if (exitCode != 0 || name.Count(c => c == '/') != 1)
        {
            return null;
        }

        return new SnapshotVolume(this, mount, mount.MountPoint, name);
    }

    public IEnumerable<string> NestedVolumes(SnapshotVolume volume, string realFolder) => [];

    public TakenSnapshot Take(SnapshotVolume volume)
    {
        string group = volume.Name[..volume.Name.IndexOf('/')];
        string name = $"{SnapshotPrefix}{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}";
        SnapshotTool.RunOrFail(Errors.SnapshotFailed, $"Snapshotting the logical volume {volume.Name}", volume.Root, "lvcreate", "--snapshot", "--extents", "10%ORIGIN", "--name", name, volume.Name);
        var takenAt = DateTimeOffset.UtcNow;
        string device = $"/dev/{group}/{name}";
        string mountPoint = Directory.CreateTempSubdirectory("backupcmdlets-snapshot-").FullName;
        try
        {
            // XFS refuses a second mount of the same UUID without nouuid; ext4 and XFS both mount a frozen snapshot read-only as it is.
            string options = volume.Mount.FileSystem == "xfs" ? "ro,nouuid" : "ro";
            SnapshotTool.RunOrFail(Errors.SnapshotFailed, $"Mounting the snapshot {device}", volume.Root, "mount", "-t", volume.Mount.FileSystem, "-o", options, device, mountPoint);
        }
        catch
        {
            Directory.Delete(mountPoint);
            SnapshotTool.Run("lvremove", "--force", $"{group}/{name}");
            throw;
        }

        // A mount of a folder inside the volume (a bind mount) reads that folder of the snapshot.
        string readRoot = volume.Mount.Root == "/" ? mountPoint : Path.Join(mountPoint, volume.Mount.Root);
        return new TakenSnapshot(volume, readRoot, new VolumeSnapshot(SnapshotProvider.Lvm, volume.Mount.FileSystem, volume.Name, device, takenAt));
    }

    public void Remove(TakenSnapshot snapshot)
    {
        string device = snapshot.Description.SnapshotPath;
        string mountPoint = snapshot.Volume.Mount.Root == "/" ? snapshot.ReadRoot : snapshot.ReadRoot[..^snapshot.Volume.Mount.Root.Length];
        SnapshotTool.RunOrFail(Errors.SnapshotNotRemoved, $"Unmounting the snapshot {device}", device, "umount", mountPoint);
        Directory.Delete(mountPoint);
        SnapshotTool.RunOrFail(Errors.SnapshotNotRemoved, $"Removing the snapshot volume {device}", device, "lvremove", "--force", device);
    }
}
