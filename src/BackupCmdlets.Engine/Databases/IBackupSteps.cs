using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One kind of backup as <see cref="DatabaseBackupRunner"/> takes it, scope by scope: hold a scope
/// still (hot: backup mode; cold: the whole database shut down), copy it, release it; then, with the
/// database running on, what the set still needs. The runner calls the steps in that order and owns
/// the guarantees; the steps only answer them, through the engine's provider.
/// </summary>
internal interface IBackupSteps
{
    /// <summary>Refuses (with its own error id), before a set folder is made or anything is stopped, a database this kind of backup cannot be taken of.</summary>
    Task EnsurePossibleAsync(CancellationToken cancellationToken);

    IReadOnlyList<BackupScope> Scopes { get; }

    Task<ScopeStart> BeginAsync(BackupScope scope, string label, CancellationToken cancellationToken);

    Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken);

    /// <summary>Releases a scope. The runner calls it in a finally, also after a failed copy: it is never cancelled.</summary>
    Task<ScopeEnd> EndAsync(ScopeStart start);

    /// <summary>The terminating error of a scope that could not be released; a provider may throw it itself, with more to say.</summary>
    ErrorDefinition EndError { get; }

    /// <summary>The <see cref="EndError"/> for <paramref name="start"/>, naming what may still be held; <paramref name="copyNote"/> tells of a copy that had failed first.</summary>
    BackupException EndFailed(ScopeStart start, DatabaseDescription database, Exception cause, string copyNote);

    /// <summary>After the last scope was released: checks the copy and names the redo the set needs; null when it needs none.</summary>
    Task<RedoRange?> CompleteAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken);
}
