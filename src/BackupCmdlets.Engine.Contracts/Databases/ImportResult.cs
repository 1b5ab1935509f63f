namespace BackupCmdlets.Engine.Databases;

/// <summary>An export put back into a database: the pipeline object of Import-Database.</summary>
public sealed record ImportResult(
    string SetPath,
    string SetId,
    DatabaseEngine Engine,
    string Target,
    bool Cleaned,
    long FileCount,
    long Bytes,
    TimeSpan Duration);
