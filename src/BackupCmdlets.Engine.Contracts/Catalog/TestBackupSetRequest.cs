namespace BackupCmdlets.Engine.Catalog;

/// <summary>Which set Test-BackupSet verifies.</summary>
public sealed partial record TestBackupSetRequest(string Path)
{
    [FrontParameter("How many files are hashed at the same time.", Minimum = 1, Maximum = 256, Default = "one per core")]
    public int? ThrottleLimit { get; init; }
}
