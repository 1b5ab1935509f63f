using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Restore-BackupSet: verifies the set first (a set that fails Test-BackupSet, is incomplete or is
/// marked Failed is never restored), then hands it to its engine's restore.
/// </summary>
public static class BackupSetRestorer
{
    public static async Task<RestoreResult> RestoreAsync(RestoreBackupSetRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        string setPath = Path.GetFullPath(request.Path);
        progress?.Report(new OperationProgress("Restore backup set", "Verifying the set", setPath));
        var test = await BackupSetVerifier.TestAsync(setPath, request.ThrottleLimit, progress, cancellationToken);
        if (!test.Passed)
        {
            var first = test.Problems[0];
            string errorId = test.Status switch
            {
                BackupSetStatus.Incomplete => DatabaseErrorIds.BackupSetIncomplete,
                BackupSetStatus.Failed => DatabaseErrorIds.BackupSetMarkedFailed,
                _ => DatabaseErrorIds.VerificationFailed,
            };
            throw new BackupException(errorId, ErrorKind.InvalidData, $"The set '{setPath}' does not pass verification, so it is not restored: {first} ({test.Problems.Count} problem(s)).", setPath);
        }

        var manifest = ManifestStore.Read(setPath);
        progress?.Report(new OperationProgress("Restore backup set", "Restoring files", setPath));
        return manifest.Engine switch
        {
            DatabaseEngine.PostgreSql => await PostgreSqlRestore.RestoreAsync(setPath, manifest, request, cancellationToken),
            DatabaseEngine.Sqlite => await SqliteRestore.RestoreAsync(setPath, manifest, request, cancellationToken),
            _ => throw new BackupException(DatabaseErrorIds.EngineNotAvailable, ErrorKind.NotEnabled, $"Restoring {manifest.Engine} sets is not available in this version.", setPath),
        };
    }
}
