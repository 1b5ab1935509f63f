namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A part of the database that is held still as one while its files are copied: the whole PostgreSQL
/// cluster in backup mode (one pg_backup_start covers every tablespace), one Oracle tablespace (or the
/// whole database), an SQLite file under its write lock, or a whole database shut down for a cold backup.
/// </summary>
internal sealed record BackupScope(string Name);

/// <summary>
/// Where the redo stood when a scope was begun (an LSN or SCN as text), and its timeline/incarnation;
/// both null where nothing is replayed over the copy (cold backups, SQLite).
/// </summary>
internal sealed record ScopeStart(BackupScope Scope, string? Position = null, long? Timeline = null)
{
    /// <summary>Oracle: where each file's backup began (v$backup CHANGE#), keyed by its set path; empty when the scope has one position.</summary>
    public IReadOnlyDictionary<string, string> FileStartPositions { get; init; } = new Dictionary<string, string>();
}

/// <summary>What ending a scope answered: where the redo stood (null where nothing is replayed over the copy).</summary>
internal sealed record ScopeEnd(BackupScope Scope, string? Position = null)
{
    /// <summary>Files the database handed back to be stored in the set (PostgreSQL's backup_label and tablespace_map), keyed by their set path.</summary>
    public IReadOnlyDictionary<string, string> GeneratedFiles { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The redo/WAL files a hot backup needs, from the start position to (at least) the stop position;
/// <paramref name="SegmentSize"/> when the redo comes in fixed-size files (PostgreSQL WAL segments).
/// </summary>
internal sealed record RedoRange(string StartPosition, string StopPosition, string EndPosition, IReadOnlyList<SourceFile> Files, long? SegmentSize)
{
    /// <summary>The names of the redo files by sequence (Oracle: thread_sequence of each archived log).</summary>
    public IReadOnlyList<string> RedoSequences { get; init; } = [];

    /// <summary>Where the redo was archived (PostgreSQL: the WAL archive folder), for recovery past the set.</summary>
    public string? Archive { get; init; }
}
