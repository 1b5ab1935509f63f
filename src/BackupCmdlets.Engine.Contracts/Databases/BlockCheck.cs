namespace BackupCmdlets.Engine.Databases;

/// <summary>The verdict on one block read from a database file.</summary>
public enum BlockCheck
{
    /// <summary>The block's own checksum (or structure) holds.</summary>
    Valid,

    /// <summary>Nothing to check: a never-used block, or a file kind without checksums.</summary>
    NotChecked,

    /// <summary>Changed while it was read (its LSN/SCN is at or after the backup start): the redo in the set repairs it.</summary>
    Torn,

    /// <summary>Fails its check and predates the backup: damaged on the source.</summary>
    Corrupt,
}
