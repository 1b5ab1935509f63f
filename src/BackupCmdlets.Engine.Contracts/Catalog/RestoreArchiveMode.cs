namespace BackupCmdlets.Engine.Catalog;

/// <summary>What a restored PostgreSQL server does with the WAL it writes.</summary>
public enum RestoreArchiveMode
{
    /// <summary>archive_mode = off: the copy archives nothing (the default; a copy archiving into its source's archive corrupts that archive's history).</summary>
    Off,

    /// <summary>The archive settings the set holds, unchanged: for restoring the server itself, in place of the lost one.</summary>
    Keep,

    /// <summary>Archive into a folder of its own (RestoreBackupSetRequest.ArchivePath).</summary>
    Redirect,
}
