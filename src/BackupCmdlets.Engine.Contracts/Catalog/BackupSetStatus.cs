namespace BackupCmdlets.Engine.Catalog;

/// <summary>What state a backup set is in.</summary>
public enum BackupSetStatus
{
    /// <summary>Manifest written, nothing wrong found.</summary>
    Complete,

    /// <summary>Manifest written, but corrupt blocks were found on the source: never restored.</summary>
    Failed,

    /// <summary>No manifest, and the process that wrote the set is gone (cancelled, failed or killed).</summary>
    Incomplete,

    /// <summary>No manifest yet, and the process writing the set is still running.</summary>
    InProgress,

    /// <summary>The manifest cannot be read (damaged or cut short): never counted or removed by retention.</summary>
    Unreadable,
}
