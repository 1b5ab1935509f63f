using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Test-BackupSet -Restore: after the set's files pass, restores it into a new folder of the scratch
/// folder and checks the restored database with its engine's own check (a PostgreSQL server and
/// pg_amcheck, SQLite's integrity_check). The folder is this run's own (made here, under a name no
/// other has) and is removed whatever happens. A failed trial is a problem of the result, which then
/// does not pass.
/// </summary>
internal static class RestoreTrial
{
    private const string Activity = "Test-BackupSet -Restore";

    public static async Task<TestBackupSetResult> RunAsync(TestBackupSetRequest request, TestBackupSetResult verdict, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (!verdict.Passed)
        {
            return verdict;
        }

        var manifest = ManifestStore.Read(verdict.Path);
        if (manifest.Kind == BackupKind.Logical)
        {
            var notTried = new ItemProblem(verdict.Path, Errors.RestoreTestNotPossible, "A logical export is not restored on trial: import it into a scratch database with Import-Database to try it.");
            return verdict with { Passed = false, Problems = [.. verdict.Problems, notTried] };
        }

        string parent = Path.GetFullPath(request.ScratchPath ?? Path.GetTempPath());
        if (!Directory.Exists(parent))
        {
            throw new BackupException(Errors.RestoreTestNotPossible, $"The scratch folder '{parent}' does not exist.", parent);
        }

        string scratch = Path.Combine(parent, $"backupcmdlets-restore-test-{manifest.SetId}-{Guid.NewGuid().ToString("N")[..8]}");
        UnixFileSystem.CreateDirectory(scratch, 0x1C0);
        RestoreTestResult trial;
        try
        {
            RestoreTarget.Own(scratch, manifest);
            var restoring = new RestoreProgress(progress, manifest.Files.Count, manifest.Files.Sum(f => f.Size), Activity);
            int throttle = Math.Max(1, request.ThrottleLimit ?? Environment.ProcessorCount);
            trial = manifest.Engine switch
            {
                DatabaseEngine.PostgreSql => await PostgreSqlRestoreTrial.RunAsync(verdict.Path, manifest, new SetContents(EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile)), scratch, throttle, restoring, cancellationToken),
                DatabaseEngine.Sqlite => await SqliteTrialAsync(verdict.Path, manifest, scratch, cancellationToken),
                _ => throw new BackupException(Errors.RestoreTestNotPossible, $"Trial restores of {manifest.Engine} sets are not available in this version.", verdict.Path),
            };
        }
        catch (BackupException ex)
        {
            var notMade = new ItemProblem(verdict.Path, ex.Error, $"The trial restore could not be made: {ex.Message}");
            return verdict with { Passed = false, Problems = [.. verdict.Problems, notMade] };
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return trial.Passed
            ? verdict with { RestoreTest = trial }
            : verdict with { RestoreTest = trial, Passed = false, Problems = [.. verdict.Problems, new ItemProblem(verdict.Path, Errors.RestoreTestFailed, trial.Detail)] };
    }

    private static async Task<RestoreTestResult> SqliteTrialAsync(string setPath, BackupSetManifest manifest, string scratch, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The restore itself runs PRAGMA integrity_check on the restored file.
            var restored = await SqliteRestore.RestoreAsync(setPath, manifest, new RestoreBackupSetRequest(setPath, scratch), cancellationToken);
            return new RestoreTestResult(true, "integrity_check", [Path.GetFileName(restored.DestinationPath)], null, clock.Elapsed, "ok");
        }
        catch (BackupException ex) when (ex.Error == Errors.SqliteIntegrityCheckFailed)
        {
            return new RestoreTestResult(false, "integrity_check", [Path.GetFileName(manifest.Database.Location)], null, clock.Elapsed, ex.Message);
        }
    }
}
