namespace BackupCmdlets.Engine;

/// <summary>The errors of the WAL archive commands (Backup-WalSegment, Restore-WalSegment).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition WalFileNameInvalid = new(nameof(WalFileNameInvalid), ErrorKind.InvalidArgument, "The file is not named as a WAL segment, a timeline history, a backup history or a partial segment.");

    public static readonly ErrorDefinition WalSegmentConflict = new(nameof(WalSegmentConflict), ErrorKind.ResourceExists, "The WAL archive holds a file of that name with other content; it is never overwritten.");

    public static readonly ErrorDefinition WalArchiveFileDamaged = new(nameof(WalArchiveFileDamaged), ErrorKind.InvalidData, "A file of the WAL archive does not decompress, or its content does not match the SHA-256 recorded with it.");

    public static readonly ErrorDefinition WalFileNotFound = new(nameof(WalFileNotFound), ErrorKind.ObjectNotFound, "Restore-WalSegment found no file of that name in the WAL archive (recovery asks for files that may not exist).");

    public static readonly ErrorDefinition WalDestinationExists = new(nameof(WalDestinationExists), ErrorKind.ResourceExists, "Restore-WalSegment's destination exists already and -Force was not given.");
}
