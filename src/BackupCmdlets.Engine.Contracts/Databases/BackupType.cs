namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// What a PostgreSQL hot set holds: every file (Full), or the pages changed since its parent, the newest
/// full set (Differential) or the newest set of the cluster of any type (Incremental).
/// </summary>
public enum BackupType
{
    Full,
    Differential,
    Incremental,
}
