using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>A cold backup's steps: the whole database is one scope, held by shutting it down and released by starting it again; no redo.</summary>
internal sealed class ColdBackupSteps(IColdBackupProvider provider, string activity, IProgress<OperationProgress>? progress) : IBackupSteps
{
    public IReadOnlyList<BackupScope> Scopes { get; } = [new("database")];

    public ErrorDefinition EndError => Errors.DatabaseNotRestarted;

    public Task EnsurePossibleAsync(CancellationToken cancellationToken) => provider.EnsureColdBackupPossibleAsync(cancellationToken);

    public async Task<ScopeStart> BeginAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        Report(provider.ColdStatus.Begin);
        await provider.ShutdownAsync(cancellationToken);
        return new ScopeStart(scope);
    }

    public Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken) => provider.CopyColdAsync(set, cancellationToken);

    public async Task<ScopeEnd> EndAsync(ScopeStart start)
    {
        Report(provider.ColdStatus.End);
        await provider.StartupAsync(CancellationToken.None);
        return new ScopeEnd(start.Scope);
    }

    public BackupException EndFailed(ScopeStart start, DatabaseDescription database, Exception cause, string copyNote) =>
        new(EndError, $"The database at '{database.Location}' could not be started again after the cold backup: {cause.Message}{copyNote}", database.Location, cause);

    public Task<RedoRange?> CompleteAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken) =>
        Task.FromResult<RedoRange?>(null);

    private void Report(string status) => progress?.Report(new OperationProgress(activity, status));
}
