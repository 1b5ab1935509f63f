namespace BackupCmdlets.Engine.Syncing;

/// <summary>Why an entry was changed.</summary>
public enum SyncReason
{
    /// <summary>The destination did not have it.</summary>
    New,

    /// <summary>The sizes differ.</summary>
    Size,

    /// <summary>Same size, different modification time.</summary>
    Time,

    /// <summary>Different contents (checksum runs, symlink targets, device numbers, re-checked racy files).</summary>
    Content,

    /// <summary>Same contents; permissions, owner, group or time differ.</summary>
    Metadata,

    /// <summary>The destination has a different type of entry under the name (a file where the source has a folder, ...).</summary>
    Type,

    /// <summary>The source no longer has it.</summary>
    Deleted,
}
