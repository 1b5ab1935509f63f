namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A part of the database that is put into backup mode as one: the whole PostgreSQL cluster (one
/// pg_backup_start covers every tablespace), or one Oracle tablespace (or the whole database).
/// </summary>
public sealed record BackupScope(string Name);

/// <summary>Where the redo stood when a scope entered backup mode (an LSN or SCN as text), and its timeline/incarnation.</summary>
public sealed record ScopeStart(BackupScope Scope, string Position, long Timeline);

/// <summary>
/// What ending backup mode answered: its position, and files the database handed back to be stored in
/// the set (PostgreSQL's backup_label and tablespace_map), keyed by their set path.
/// </summary>
public sealed record ScopeEnd(BackupScope Scope, string Position, IReadOnlyDictionary<string, string> GeneratedFiles);
