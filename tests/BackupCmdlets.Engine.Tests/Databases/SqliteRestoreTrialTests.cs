using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Test-BackupSet -Restore on SQLite sets: restored into the scratch folder and judged by PRAGMA integrity_check, then removed.</summary>
public sealed class SqliteRestoreTrialTests
{
    [Fact]
    public async Task A_set_restores_on_trial_and_passes_integrity_check_leaving_nothing_behind()
    {
        using var temp = new TempDirectory("bkc-sqlite-trial-");
        var set = await MakeSet(temp);
        string scratch = temp.CreateDirectory("scratch");

        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { Restore = true, ScratchPath = scratch }, null, CancellationToken.None);

        Assert.True(result.Passed, string.Join("; ", result.Problems));
        Assert.Equal("integrity_check", result.RestoreTest!.Check);
        Assert.Equal(["app.db"], result.RestoreTest.Databases);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
    }

    [Fact]
    public async Task A_damaged_page_the_manifest_agrees_with_fails_the_trial()
    {
        using var temp = new TempDirectory("bkc-sqlite-trial-");
        string set = await MakeSet(temp);
        string file = ManifestStore.Read(set).Files.Single(f => f.Path.EndsWith("app.db", StringComparison.Ordinal)).Path;
        BackupSetDamage.DamageAndReseal(set, file, offset: 4096 + 8, length: 200);
        string scratch = temp.CreateDirectory("scratch");

        var hashedOnly = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set), null, CancellationToken.None);
        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { Restore = true, ScratchPath = scratch }, null, CancellationToken.None);

        Assert.True(hashedOnly.Passed, "the damage was meant to be invisible to the checksums");
        Assert.False(result.Passed);
        Assert.False(result.RestoreTest!.Passed);
        Assert.Contains(result.Problems, p => p.ErrorId == Errors.RestoreTestFailed.Id);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
    }

    [Fact]
    public async Task A_logical_export_is_not_restored_on_trial_and_says_so()
    {
        using var temp = new TempDirectory("bkc-sqlite-trial-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 100);
        var export = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")), null, CancellationToken.None);

        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(export.Path) { Restore = true }, null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Null(result.RestoreTest);
        Assert.Equal(Errors.RestoreTestNotPossible.Id, Assert.Single(result.Problems).ErrorId);
    }

    private static async Task<string> MakeSet(TempDirectory temp)
    {
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 5000);
        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")), null, CancellationToken.None);
        return set.Path;
    }
}
