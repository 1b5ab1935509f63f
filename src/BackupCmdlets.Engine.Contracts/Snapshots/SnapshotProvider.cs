namespace BackupCmdlets.Engine.Snapshots;

/// <summary>How a volume was frozen: a read-only btrfs subvolume snapshot, or an LVM snapshot volume mounted read-only.</summary>
public enum SnapshotProvider
{
    Btrfs,
    Lvm,
}
