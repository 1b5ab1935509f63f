namespace BackupCmdlets.Engine;

/// <summary>The errors of -Snapshot (New-TarArchive, Invoke-DeltaSync).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition SnapshotNotSupported = new(nameof(SnapshotNotSupported), ErrorKind.NotImplemented, "-Snapshot: no snapshot provider fits the source's file system (btrfs and LVM do).");

    public static readonly ErrorDefinition SnapshotNestedVolume = new(nameof(SnapshotNestedVolume), ErrorKind.InvalidArgument, "-Snapshot: a source holds another mount or btrfs subvolume, which its volume's snapshot would show empty.");

    public static readonly ErrorDefinition SnapshotFailed = new(nameof(SnapshotFailed), ErrorKind.InvalidOperation, "-Snapshot: the snapshot could not be taken; nothing was read.");

    public static readonly ErrorDefinition SnapshotNotRemoved = new(nameof(SnapshotNotRemoved), ErrorKind.ResourceUnavailable, "-Snapshot: a snapshot taken for the run could not be removed; its path is given to remove it by hand.");
}
