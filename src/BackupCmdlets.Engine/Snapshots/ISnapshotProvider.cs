namespace BackupCmdlets.Engine.Snapshots;

/// <summary>A way to freeze a volume read-only (btrfs, LVM): find the volume of a folder, take the snapshot, remove it.</summary>
internal interface ISnapshotProvider
{
    /// <summary>The volume holding a real folder on this mount, or null when this provider does not handle the mount.</summary>
    SnapshotVolume? VolumeOf(string realFolder, Mount mount);

    /// <summary>Volumes of this provider inside a real folder of the volume (nested subvolumes) that its snapshot would show as empty folders.</summary>
    IEnumerable<string> NestedVolumes(SnapshotVolume volume, string realFolder);

    TakenSnapshot Take(SnapshotVolume volume);

    void Remove(TakenSnapshot snapshot);
}
