namespace BackupCmdlets.Engine.Databases;

/// <summary>What a WAL archive command did with the file.</summary>
public enum WalArchiveAction
{
    /// <summary>Backup-WalSegment stored it.</summary>
    Archived,

    /// <summary>Backup-WalSegment found it archived already with the same content, and wrote nothing.</summary>
    AlreadyArchived,

    /// <summary>Restore-WalSegment wrote it to its destination.</summary>
    Restored,
}
