using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Which sets of a repository to list; every filter is optional.</summary>
public sealed record GetBackupSetRequest(string Path)
{
    public DatabaseEngine? Engine { get; init; }

    public BackupKind? Kind { get; init; }

    /// <summary>Only sets started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
}
