namespace BackupCmdlets.Engine.Catalog;

/// <summary>Which set Test-BackupSet verifies, and with how many files hashed at once.</summary>
public sealed record TestBackupSetRequest(string Path)
{
    /// <summary>How many files are hashed at the same time; one per core when null.</summary>
    public int? ThrottleLimit { get; init; }
}
