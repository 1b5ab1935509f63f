using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue item 7 and the SQLite half: hot backups under a concurrent writer in both journal modes, cold backups, restore.</summary>
public sealed class SqliteBackupTests
{
    [Theory]
    [InlineData("WAL")]
    [InlineData("DELETE")]
    public async Task A_hot_backup_under_a_concurrent_writer_holds_every_row_committed_before_it_finished(string journalMode)
    {
        using var temp = new TempDirectory("bkc-sqlite-hot-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, journalMode, 20000);
        string repository = temp.Combine("repository");
        long committedWhenCopied = -1;
        using var writer = new SqliteRowWriter(database);
        var progress = new SynchronousProgress(p =>
        {
            // Reported while the backup still holds the write lock: no commit can slip in after this.
            if (p.Status == "Copied")
            {
                committedWhenCopied = writer.LastCommitted;
            }
        });
        writer.WaitFor(100);

        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository), progress, CancellationToken.None);
        writer.WaitFor(committedWhenCopied + 50);
        long last = writer.Stop();

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.True(committedWhenCopied >= 100);
        string restored = temp.Combine("restored.db");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, restored), null, CancellationToken.None);
        Assert.Equal("ok", IntegrityCheck(restored));
        Assert.Equal(committedWhenCopied, SqliteRowWriter.Count(restored, $"SELECT count(*) FROM writes WHERE id <= {committedWhenCopied}"));
        long max = SqliteRowWriter.Count(restored, "SELECT max(id) FROM writes");
        Assert.Equal(max, SqliteRowWriter.Count(restored, "SELECT count(*) FROM writes"));
        Assert.True(max < last, "the writer went on after the backup");
        Assert.Equal(20000, SqliteRowWriter.Count(restored, "SELECT count(*) FROM seed"));
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        // Nothing but the manifest and the files it lists: no temporary, and none of its -wal or -shm.
        var listed = ManifestStore.Read(set.Path).Files.Select(f => f.Path).Append(BackupSetManifest.FileName).Order(StringComparer.Ordinal);
        var present = Directory.EnumerateFiles(set.Path, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true }).Select(f => Path.GetRelativePath(set.Path, f));
        Assert.Equal(listed, present.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Issue 12, item 7: the set's StopTime is the moment the copy was taken. A writer commits throughout
    /// (also while the copy is checked and hashed): every row whose commit returned before StopTime is in
    /// the set, and no row whose insert began after it.
    /// </summary>
    [Theory]
    [InlineData("WAL")]
    [InlineData("DELETE")]
    public async Task The_stop_time_is_the_moment_the_copy_was_taken_with_every_commit_before_it_and_none_after(string journalMode)
    {
        using var temp = new TempDirectory("bkc-sqlite-stoptime-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, journalMode, 50000);
        using var writer = new SqliteRowWriter(database);
        writer.WaitFor(100);

        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")), null, CancellationToken.None);
        writer.WaitFor(writer.LastCommitted + 50);
        writer.Stop();

        string restored = temp.Combine("restored.db");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, restored), null, CancellationToken.None);
        long inSet = SqliteRowWriter.Count(restored, "SELECT max(id) FROM writes");
        Assert.Equal(inSet, SqliteRowWriter.Count(restored, "SELECT count(*) FROM writes"));
        var commits = writer.Commits;
        long lastReturnedBefore = commits.Count(c => c.Returned < set.StopTime);
        long firstBegunAfter = commits.ToList().FindIndex(c => c.Begun > set.StopTime) + 1;
        Assert.True(firstBegunAfter > 0, "the writer went on after the backup");
        Assert.True(
            lastReturnedBefore <= inSet,
            $"row {lastReturnedBefore} was committed at {commits[(int)lastReturnedBefore - 1].Returned:HH:mm:ss.fffffff}, before the set's StopTime {set.StopTime:HH:mm:ss.fffffff}, but the set holds rows 1 to {inSet} only");
        Assert.True(
            inSet < firstBegunAfter,
            $"row {firstBegunAfter} was begun at {commits[(int)firstBegunAfter - 1].Begun:HH:mm:ss.fffffff}, after the set's StopTime {set.StopTime:HH:mm:ss.fffffff}, yet the set holds it");
    }

    [Fact]
    public async Task A_cold_backup_copies_the_database_under_an_exclusive_lock_and_restores()
    {
        using var temp = new TempDirectory("bkc-sqlite-cold-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 5000);
        var set = await DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")), null, CancellationToken.None);
        Assert.Equal(BackupKind.Cold, set.Kind);
        string restoredFolder = temp.CreateDirectory("restored");
        var restore = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, restoredFolder), null, CancellationToken.None);
        Assert.Equal(Path.Combine(restoredFolder, "app.db"), restore.DestinationPath);
        Assert.Equal(5000, SqliteRowWriter.Count(restore.DestinationPath, "SELECT count(*) FROM seed"));
    }

    [Fact]
    public async Task Restore_refuses_to_overwrite_a_database_without_Force_and_replaces_it_with_Force()
    {
        using var temp = new TempDirectory("bkc-sqlite-restore-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 10);
        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")), null, CancellationToken.None);
        string other = temp.Combine("other.db");
        SqliteRowWriter.CreateDatabase(other, "DELETE", 3);

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, other), null, CancellationToken.None));
        Assert.Equal(Errors.RestoreDestinationNotEmpty.Id, error.ErrorId);
        Assert.Equal(3, SqliteRowWriter.Count(other, "SELECT count(*) FROM seed"));

        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, other) { Force = true }, null, CancellationToken.None);
        Assert.Equal(10, SqliteRowWriter.Count(other, "SELECT count(*) FROM seed"));
    }

    [Fact]
    public async Task A_missing_database_file_is_a_clear_error_and_writes_no_set()
    {
        using var temp = new TempDirectory("bkc-sqlite-missing-");
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={temp.Combine("absent.db")}", temp.Combine("repository")), null, CancellationToken.None));
        Assert.Equal(Errors.SqliteDatabaseNotFound.Id, error.ErrorId);
        Assert.False(File.Exists(temp.Combine("absent.db")));
        Assert.False(Directory.Exists(temp.Combine("repository")));
    }

    [Fact]
    public async Task Oracle_without_its_driver_is_refused_with_its_own_error_id()
    {
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.Oracle, "Data Source=orcl", "/nonexistent") { OracleDriverPath = "/nonexistent/odp" }, null, CancellationToken.None));
        Assert.Equal(Errors.OracleDriverNotFound.Id, error.ErrorId);
    }

    private static string IntegrityCheck(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }
}
