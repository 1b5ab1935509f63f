using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One database engine as the backup runner sees it. The runner owns the order of the steps and the
/// guarantees (backup mode always ended, database always started again, manifest written last); a
/// provider only answers each step. PostgreSQL implements it here; the Oracle provider plugs into the
/// same steps (per-tablespace BEGIN/END BACKUP scopes, datafile block verifier, archived logs by SCN).
/// </summary>
internal interface IDatabaseProvider : IAsyncDisposable
{
    /// <summary>Connects and describes the database.</summary>
    Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The tablespaces whose files lie outside the main location, to be stored (and remapped on restore) on their own.</summary>
    IReadOnlyList<TablespaceEntry> Tablespaces { get; }
}

/// <summary>Hot backup: begin backup mode per scope, copy, end backup mode, then collect the redo.</summary>
internal interface IHotBackupProvider : IDatabaseProvider
{
    /// <summary>Refuses (with its own error id) when the database cannot be backed up hot: no archiving, minimal redo.</summary>
    Task EnsureHotBackupPossibleAsync(CancellationToken cancellationToken);

    IReadOnlyList<BackupScope> Scopes { get; }

    Task<ScopeStart> BeginBackupAsync(BackupScope scope, string label, CancellationToken cancellationToken);

    /// <summary>The files of a scope in backup mode; listed after the begin so new files are included.</summary>
    IReadOnlyList<SourceFile> ListFiles(BackupScope scope);

    /// <summary>A verifier for the blocks of a scope copied after <paramref name="start"/>; null when blocks cannot be checked.</summary>
    IBlockVerifier? CreateVerifier(ScopeStart start);

    /// <summary>Ends backup mode. The runner calls it in a finally, with no cancellation, also after a failed copy.</summary>
    Task<ScopeEnd> EndBackupAsync(ScopeStart start, CancellationToken cancellationToken);

    /// <summary>
    /// After the last scope ended: close the redo (log switch) and name the redo files covering the
    /// backup, plus any file made after the last end (Oracle's controlfile backups), all copied into the set.
    /// </summary>
    Task<RedoRange> CollectRedoAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, CancellationToken cancellationToken);
}

/// <summary>Cold backup: shut down cleanly, copy everything, start again (always).</summary>
internal interface IColdBackupProvider : IDatabaseProvider
{
    /// <summary>Refuses (with its own error id), before anything is stopped, a database that could not be started again as it runs now.</summary>
    Task EnsureColdBackupPossibleAsync(CancellationToken cancellationToken);

    Task ShutdownAsync(CancellationToken cancellationToken);

    /// <summary>Every file of the shut-down database.</summary>
    IReadOnlyList<SourceFile> ListColdFiles();

    /// <summary>A verifier for a cleanly shut-down database (any bad block is corruption); null when blocks cannot be checked.</summary>
    IBlockVerifier? CreateColdVerifier();

    /// <summary>Starts the database again. The runner calls it in a finally, with no cancellation.</summary>
    Task StartupAsync(CancellationToken cancellationToken);
}
