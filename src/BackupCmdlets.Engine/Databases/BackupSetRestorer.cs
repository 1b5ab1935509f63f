using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restore-BackupSet: verifies the set first (a set that fails Test-BackupSet, is incomplete or is
/// marked Failed is never restored), then hands it to its engine's restore.
/// </summary>
internal static class BackupSetRestorer
{
    public static async Task<RestoreResult> RestoreAsync(RestoreBackupSetRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        string setPath = Path.GetFullPath(request.Path);
        progress?.Report(new OperationProgress("Restore-BackupSet", "Verifying the set", setPath));
        var test = await BackupSetVerifier.TestAsync(setPath, request.ThrottleLimit, progress, cancellationToken);
        if (!test.Passed)
        {
            var first = test.Problems[0];
            var error = test.Status switch
            {
                BackupSetStatus.Incomplete => Errors.BackupSetIncomplete,
                BackupSetStatus.Failed => Errors.BackupSetMarkedFailed,
                _ => Errors.BackupSetVerificationFailed,
            };
            throw new BackupException(error, $"The set '{setPath}' does not pass verification, so it is not restored: {first} ({test.Problems.Count} problem(s)).", setPath);
        }

        var manifest = ManifestStore.Read(setPath);
        if (manifest.Kind == BackupKind.Logical)
        {
            throw new BackupException(Errors.ImportSetNotLogical, $"'{setPath}' is an export (a logical set): put it back with Import-Database.", setPath);
        }

        var restored = manifest.Files.Where(f => !f.Path.StartsWith("pages/", StringComparison.Ordinal)).ToList();
        var restoring = new RestoreProgress(progress, restored.Count + manifest.PageDeltas.Count, restored.Sum(f => f.Size) + manifest.PageDeltas.Sum(d => d.Size));
        restoring.Status("Restoring files");
        return manifest.Engine switch
        {
            DatabaseEngine.PostgreSql => await PostgreSqlRestore.RestoreAsync(setPath, manifest, request, restoring, cancellationToken),
            DatabaseEngine.Sqlite => await SqliteRestore.RestoreAsync(setPath, manifest, request, cancellationToken),
            _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"Restoring {manifest.Engine} sets is not available in this version.", setPath),
        };
    }
}
