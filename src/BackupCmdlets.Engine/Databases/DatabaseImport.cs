using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Import-Database: verifies the export first, as Restore-BackupSet verifies a set (a set that is
/// incomplete, marked failed or fails Test-BackupSet is never imported), refuses a set that is not an
/// export or is of another engine than the target, then hands it to its engine's import.
/// </summary>
internal static class DatabaseImport
{
    public static async Task<ImportResult> ImportAsync(ImportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        string setPath = Path.GetFullPath(request.Path);
        progress?.Report(new OperationProgress("Import-Database", "Verifying the set", setPath));
        var test = await BackupSetVerifier.TestAsync(setPath, null, progress, cancellationToken);
        if (!test.Passed)
        {
            var error = test.Status switch
            {
                BackupSetStatus.Incomplete => Errors.BackupSetIncomplete,
                BackupSetStatus.Failed => Errors.BackupSetMarkedFailed,
                _ => Errors.BackupSetVerificationFailed,
            };
            throw new BackupException(error, $"The set '{setPath}' does not pass verification, so it is not imported: {test.Problems[0]} ({test.Problems.Count} problem(s)).", setPath);
        }

        var manifest = ManifestStore.Read(setPath);
        if (manifest is not { Kind: BackupKind.Logical, Export: { } export })
        {
            throw new BackupException(Errors.ImportSetNotLogical, $"'{setPath}' is a {manifest.Kind.ToString().ToLowerInvariant()} set, not an export: put it back with Restore-BackupSet.", setPath);
        }

        if (request.Engine is { } engine && engine != manifest.Engine)
        {
            throw new BackupException(Errors.ImportEngineMismatch, $"'{setPath}' is an export of {manifest.Engine}, and the target is {engine}.", setPath);
        }

        return manifest.Engine switch
        {
            DatabaseEngine.PostgreSql => await PostgreSqlImport.ImportAsync(setPath, manifest, export, request, progress, cancellationToken),
            DatabaseEngine.Sqlite => await SqliteImport.ImportAsync(setPath, manifest, export, request, progress, cancellationToken),
            DatabaseEngine.Oracle => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"Importing Oracle exports (impdp, DBMS_DATAPUMP import) is not available in this version: import the Data Pump files in '{setPath}/{export.Path}' with impdp.", setPath),
            _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"Importing {manifest.Engine} exports is not available in this version.", setPath),
        };
    }
}
