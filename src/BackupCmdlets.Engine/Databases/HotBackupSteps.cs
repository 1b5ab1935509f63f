using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>A hot backup's steps: each scope in backup mode in turn while its files are copied; then the copy checked and the redo collected.</summary>
internal sealed class HotBackupSteps(IHotBackupProvider provider, string activity, IProgress<OperationProgress>? progress) : IBackupSteps
{
    public IReadOnlyList<BackupScope> Scopes => provider.Scopes;

    public ErrorDefinition EndError => Errors.EndBackupFailed;

    public Task EnsurePossibleAsync(CancellationToken cancellationToken) => provider.EnsureHotBackupPossibleAsync(cancellationToken);

    public Task<ScopeStart> BeginAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        Report(provider.ScopeStatus(scope).Begin);
        return provider.BeginBackupAsync(scope, label, cancellationToken);
    }

    public Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken) => provider.CopyAsync(start, set, cancellationToken);

    public async Task<ScopeEnd> EndAsync(ScopeStart start)
    {
        Report(provider.ScopeStatus(start.Scope).End);
        var end = await provider.EndBackupAsync(start, CancellationToken.None);
        Report(provider.ScopeStatus(start.Scope).Ended);
        return end;
    }

    public BackupException EndFailed(ScopeStart start, DatabaseDescription database, Exception cause, string copyNote) =>
        new(EndError, $"Backup mode could not be ended for '{start.Scope.Name}': it may still be in backup mode. {cause.Message}{copyNote}", start.Scope.Name, cause);

    public async Task<RedoRange?> CompleteAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken)
    {
        await provider.CheckCopyAsync(set, cancellationToken);
        return await provider.CollectRedoAsync(starts, ends, set, cancellationToken);
    }

    private void Report(string status) => progress?.Report(new OperationProgress(activity, status));
}
