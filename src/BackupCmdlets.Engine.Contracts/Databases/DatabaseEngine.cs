namespace BackupCmdlets.Engine.Databases;

/// <summary>The database engines a backup set can come from.</summary>
public enum DatabaseEngine
{
    PostgreSql,
    Sqlite,
    Oracle,
}
