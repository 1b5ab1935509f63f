namespace BackupCmdlets.Engine.Databases;

/// <summary>Hot backup: begin backup mode per scope, copy, end backup mode; then check the copy and collect the redo.</summary>
internal interface IHotBackupProvider : IDatabaseProvider
{
    /// <summary>Refuses (with its own error id) when the database cannot be backed up hot: no archiving, minimal redo.</summary>
    Task EnsureHotBackupPossibleAsync(CancellationToken cancellationToken);

    IReadOnlyList<BackupScope> Scopes { get; }

    /// <summary>What progress says as a scope is held and released; backup mode unless the engine holds it otherwise.</summary>
    (string Begin, string End, string Ended) ScopeStatus(BackupScope scope) =>
        ($"Beginning backup mode: {scope.Name}", $"Ending backup mode: {scope.Name}", $"Backup mode ended: {scope.Name}");

    Task<ScopeStart> BeginBackupAsync(BackupScope scope, string label, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a begun scope into the set: files listed now, after the begin, so new files are included,
    /// their blocks checked where the engine can tell a block changed after <paramref name="start"/>.
    /// </summary>
    Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken);

    /// <summary>Ends backup mode. The runner calls it in a finally, with no cancellation, also after a failed copy.</summary>
    Task<ScopeEnd> EndBackupAsync(ScopeStart start, CancellationToken cancellationToken);

    /// <summary>After the last scope ended, while the database runs on: checks what could not be checked during the copy.</summary>
    Task CheckCopyAsync(BackupSetWriter set, CancellationToken cancellationToken);

    /// <summary>
    /// After the last scope ended: close the redo (log switch) and name the redo files covering the
    /// backup, plus any file made after the last end (Oracle's controlfile backups), all copied into the
    /// set; null for an engine whose copy needs no redo.
    /// </summary>
    Task<RedoRange?> CollectRedoAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken);
}
