using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Which sets of a repository to list (Get-BackupSet); every filter is optional.</summary>
public sealed partial record GetBackupSetRequest(string Path)
{
    [FrontParameter("Only sets of this engine.")]
    public DatabaseEngine? Engine { get; init; }

    [FrontParameter("Only sets of this kind: Hot, Cold or Logical (exports).")]
    public BackupKind? Kind { get; init; }

    [FrontParameter("Only sets started at or after this time (a local time unless it says otherwise).")]
    public DateTimeOffset? Since { get; init; }
}
