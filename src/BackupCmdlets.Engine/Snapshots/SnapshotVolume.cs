namespace BackupCmdlets.Engine.Snapshots;

/// <summary>
/// What one snapshot freezes: for btrfs a subvolume, for LVM a logical volume. <see cref="Root"/> is the
/// live folder that the snapshot's read root stands for; <see cref="Name"/> names it in messages and results.
/// </summary>
internal sealed record SnapshotVolume(ISnapshotProvider Provider, Mount Mount, string Root, string Name);
