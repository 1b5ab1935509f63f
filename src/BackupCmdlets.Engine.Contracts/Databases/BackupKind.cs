namespace BackupCmdlets.Engine.Databases;

/// <summary>Hot: taken while the database stays open, made consistent by its redo/WAL. Cold: taken with it shut down cleanly.</summary>
public enum BackupKind
{
    Hot,
    Cold,
}
