using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One database engine as the backup runner sees it: PostgreSQL, Oracle and SQLite each implement it,
/// and the hot and cold steps they can take (<see cref="IHotBackupProvider"/>, <see cref="IColdBackupProvider"/>).
/// The runner owns the order of the steps and the guarantees (a scope always ended, a database always
/// started again, the manifest written last); a provider only answers each step.
/// </summary>
internal interface IDatabaseProvider : IAsyncDisposable
{
    /// <summary>Connects and describes the database.</summary>
    Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The tablespaces whose files lie outside the main location, to be stored (and remapped on restore) on their own.</summary>
    IReadOnlyList<TablespaceEntry> Tablespaces { get; }
}
