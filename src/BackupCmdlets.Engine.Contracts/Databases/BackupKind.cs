namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Hot: taken while the database stays open, made consistent by its redo/WAL. Cold: taken with it shut down cleanly.
/// Logical: an export (Export-Database) of the database's schema and rows as of one snapshot, put back with Import-Database.
/// </summary>
public enum BackupKind
{
    Hot,
    Cold,
    Logical,
}
