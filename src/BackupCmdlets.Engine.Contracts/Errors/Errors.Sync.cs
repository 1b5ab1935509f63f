namespace BackupCmdlets.Engine;

/// <summary>The errors of mirrors (Invoke-DeltaSync).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition SyncPlatformNotSupported = new(nameof(SyncPlatformNotSupported), ErrorKind.NotEnabled, "Invoke-DeltaSync runs on Linux only.");

    public static readonly ErrorDefinition SyncInvalidPattern = new(nameof(SyncInvalidPattern), ErrorKind.InvalidArgument, "An rsync pattern that is empty or malformed.");

    public static readonly ErrorDefinition SyncSeveralSources = new(nameof(SyncSeveralSources), ErrorKind.InvalidArgument, "More than one source folder was given for one mirror.");

    public static readonly ErrorDefinition SyncSourceNotFound = new(nameof(SyncSourceNotFound), ErrorKind.ObjectNotFound, "The source folder does not exist.");

    public static readonly ErrorDefinition SyncSourceNotDirectory = new(nameof(SyncSourceNotDirectory), ErrorKind.InvalidArgument, "The source is not a folder.");

    public static readonly ErrorDefinition SyncSourceSymlinkLoop = new(nameof(SyncSourceSymlinkLoop), ErrorKind.InvalidArgument, "The source is a symlink that loops.");

    public static readonly ErrorDefinition SyncDestinationNotDirectory = new(nameof(SyncDestinationNotDirectory), ErrorKind.InvalidArgument, "The destination exists and is not a folder.");

    public static readonly ErrorDefinition SyncDestinationInsideSource = new(nameof(SyncDestinationInsideSource), ErrorKind.InvalidArgument, "The destination lies inside the source.");

    public static readonly ErrorDefinition SyncSourceInsideDestination = new(nameof(SyncSourceInsideDestination), ErrorKind.InvalidArgument, "The source lies inside the destination.");

    public static readonly ErrorDefinition SyncMaxDeleteExceeded = new(nameof(SyncMaxDeleteExceeded), ErrorKind.InvalidOperation, "More entries would be deleted than -MaxDelete allows; nothing was changed.");

    public static readonly ErrorDefinition SyncSourceVanished = new(nameof(SyncSourceVanished), ErrorKind.ObjectNotFound, "An entry disappeared from the source during the run.");

    public static readonly ErrorDefinition SyncSourceUnreadable = new(nameof(SyncSourceUnreadable), ErrorKind.ReadError, "A source entry cannot be read.");

    public static readonly ErrorDefinition SyncSourceKeptChanging = new(nameof(SyncSourceKeptChanging), ErrorKind.ReadError, "A source file kept changing while it was copied.");

    public static readonly ErrorDefinition SyncDestinationUnreadable = new(nameof(SyncDestinationUnreadable), ErrorKind.ReadError, "A destination entry cannot be read.");

    public static readonly ErrorDefinition SyncDestinationFull = new(nameof(SyncDestinationFull), ErrorKind.ResourceUnavailable, "The destination filled up; the file keeps its previous version.");

    public static readonly ErrorDefinition SyncWriteFailed = new(nameof(SyncWriteFailed), ErrorKind.WriteError, "A destination entry could not be written.");

    public static readonly ErrorDefinition SyncDeleteFailed = new(nameof(SyncDeleteFailed), ErrorKind.WriteError, "A destination entry could not be deleted.");

    public static readonly ErrorDefinition SyncXattrsFailed = new(nameof(SyncXattrsFailed), ErrorKind.WriteError, "An entry's extended attributes or ACLs could not be mirrored.");
}
