using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue 16, logical exports of SQLite: VACUUM INTO under a writer, the import, and the catalog's cmdlets on a logical set.</summary>
public sealed class SqliteExportTests
{
    [Theory]
    [InlineData("WAL", ExportFormat.Native)]
    [InlineData("DELETE", ExportFormat.Native)]
    [InlineData("WAL", ExportFormat.SqlDump)]
    [InlineData("DELETE", ExportFormat.SqlDump)]
    public async Task An_export_while_a_writer_writes_imports_whole_with_every_row_committed_before_it(string journalMode, ExportFormat format)
    {
        using var temp = new TempDirectory("bkc-sqlite-export-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, journalMode, 20000);
        Execute(database, """
            CREATE TABLE mixed (id INTEGER PRIMARY KEY AUTOINCREMENT, r REAL, b BLOB, t TEXT, n NUMERIC);
            INSERT INTO mixed (r, b, t, n) VALUES (0.1, x'00ff10', 'it''s "quoted"', NULL), (1e308, zeroblob(3), '', 12345678901234567), (-2.5e-300, NULL, char(10, 0x263a), 3.0);
            CREATE INDEX mixed_t ON mixed (t);
            CREATE VIEW seed_ids AS SELECT id FROM seed;
            CREATE TRIGGER mixed_touch AFTER UPDATE ON mixed BEGIN SELECT 1; END;
            """);
        using var writer = new SqliteRowWriter(database);
        writer.WaitFor(100);
        long committedBefore = -1;
        var progress = new SynchronousProgress(p =>
        {
            if (p.Status is "Exporting with VACUUM INTO" or "Exporting as SQL")
            {
                committedBefore = writer.LastCommitted;
            }
        });

        var set = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, $"Data Source={database}", temp.Combine("repository")) { Format = format }, progress, CancellationToken.None);
        long committedAfter = writer.LastCommitted;
        writer.WaitFor(committedAfter + 50);
        writer.Stop();

        Assert.Equal(BackupKind.Logical, set.Kind);
        Assert.Equal(DatabaseEngine.Sqlite, set.Engine);
        Assert.StartsWith(Path.Combine(temp.Path, "repository") + "/", set.Path, StringComparison.Ordinal);
        Assert.Matches("-sqlite-logical-[0-9a-f]{6}$", set.SetId);
        Assert.Equal(format == ExportFormat.SqlDump ? "database/app.db.sql" : "database/app.db", Assert.Single(ManifestStore.Read(set.Path).Files).Path);
        string imported = temp.Combine("imported", "app.db");
        var result = await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(set.Path, $"Data Source={imported}"), null, CancellationToken.None);
        Assert.Equal(imported, result.Target);
        Assert.Equal("ok", Scalar(imported, "PRAGMA integrity_check"));
        long rows = SqliteRowWriter.Count(imported, "SELECT count(*) FROM writes");
        Assert.Equal(rows, SqliteRowWriter.Count(imported, "SELECT coalesce(max(id), 0) FROM writes"));
        Assert.InRange(rows, committedBefore, committedAfter);
        Assert.Equal(20000, SqliteRowWriter.Count(imported, "SELECT count(*) FROM seed"));
        foreach (string table in new[] { "seed", "writes" })
        {
            string rowsOf = $"SELECT count(*) || ' ' || group_concat(id || ':' || payload, ',') FROM (SELECT * FROM {table} {(table == "writes" ? $"WHERE id <= {rows}" : "")} ORDER BY id)";
            Assert.Equal(Scalar(database, rowsOf), Scalar(imported, rowsOf));
        }

        const string MixedRows = "SELECT group_concat(quote(id) || typeof(r) || quote(r) || quote(b) || quote(t) || typeof(n) || quote(n), ',') FROM (SELECT * FROM mixed ORDER BY id)";
        Assert.Equal(Scalar(database, MixedRows), Scalar(imported, MixedRows));
        const string Schema = "SELECT group_concat(type || ' ' || name || ' ' || sql, ';') FROM (SELECT * FROM sqlite_schema ORDER BY name)";
        Assert.Equal(Scalar(database, Schema), Scalar(imported, Schema));
        Assert.Equal("3", Scalar(imported, "SELECT seq FROM sqlite_sequence WHERE name = 'mixed'"));

        // Nothing in the set but the manifest and what it lists: no temporary copy, none of its side files.
        var listed = ManifestStore.Read(set.Path).Files.Select(f => f.Path).Append(BackupSetManifest.FileName).Order(StringComparer.Ordinal);
        var present = Directory.EnumerateFiles(set.Path, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true }).Select(f => Path.GetRelativePath(set.Path, f));
        Assert.Equal(listed, present.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_refuses_a_file_that_is_not_empty_without_Force_and_replaces_it_with_Force()
    {
        using var temp = new TempDirectory("bkc-sqlite-import-force-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 300);
        var set = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, "Data Source=app.db", temp.Combine("repository")) { WorkingDirectory = temp.Path }, null, CancellationToken.None);
        string target = temp.Combine("target.db");
        SqliteRowWriter.CreateDatabase(target, "WAL", 5);
        var import = new ImportDatabaseRequest(set.Path, "Data Source=target.db") { WorkingDirectory = temp.Path };

        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(import, null, CancellationToken.None));
        Assert.Equal(Errors.ImportTargetNotEmpty, refused.Error);
        Assert.Equal(5, SqliteRowWriter.Count(target, "SELECT count(*) FROM seed"));
        File.WriteAllText(target + "-journal", "stale");

        await BackupEngine.ImportDatabaseAsync(import with { Force = true }, null, CancellationToken.None);
        Assert.Equal(300, SqliteRowWriter.Count(target, "SELECT count(*) FROM seed"));
        Assert.False(File.Exists(target + "-journal"));

        var wrongEngine = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(import with { Engine = DatabaseEngine.PostgreSql, Force = true }, null, CancellationToken.None));
        Assert.Equal(Errors.ImportEngineMismatch, wrongEngine.Error);
    }

    [Fact]
    public async Task Get_BackupSet_lists_exports_as_Logical_Test_BackupSet_finds_a_changed_byte_and_Remove_BackupSet_removes_them()
    {
        using var temp = new TempDirectory("bkc-sqlite-export-catalog-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "DELETE", 500);
        string repository = temp.Combine("repository");
        var hot = await BackupEngine.StartHotBackupAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository), null, CancellationToken.None);
        var first = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository) { Label = "before the upgrade" }, null, CancellationToken.None);
        var second = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository), null, CancellationToken.None);

        var logical = BackupEngine.GetBackupSet(new GetBackupSetRequest(repository) { Kind = BackupKind.Logical });
        Assert.Equal(new[] { second.Path, first.Path }.Order(), logical.Select(s => s.Path).Order());
        Assert.All(logical, s => Assert.Equal(BackupSetStatus.Complete, s.Status));
        Assert.Equal("before the upgrade", ManifestStore.Read(first.Path).Label);
        Assert.True((await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(first.Path), null, CancellationToken.None)).Passed);

        string file = Path.Combine(first.Path, "database", "app.db");
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(file, bytes);
        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(first.Path), null, CancellationToken.None);
        Assert.False(test.Passed);
        Assert.Equal(("database/app.db", Errors.BackupSetFileChanged.Id), (Assert.Single(test.Problems).Path, test.Problems[0].ErrorId));
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(first.Path, $"Data Source={temp.Combine("copy.db")}"), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed, refused.Error);
        Assert.False(File.Exists(temp.Combine("copy.db")));

        // The exports are counted apart from the hot set: keeping the last one of each removes only the older export.
        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(repository) { KeepLast = 1 });
        Assert.Equal([first.Path], removed.Select(s => s.Path));
        Assert.True(Directory.Exists(hot.Path));
        BackupEngine.RemoveBackupSet(second.Path);
        Assert.Equal([hot.Path], BackupEngine.GetBackupSet(new GetBackupSetRequest(repository)).Select(s => s.Path));
    }

    [Fact]
    public async Task Restore_BackupSet_refuses_an_export_and_Import_Database_refuses_a_hot_set()
    {
        using var temp = new TempDirectory("bkc-sqlite-export-kinds-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 10);
        string repository = temp.Combine("repository");
        var export = await BackupEngine.ExportDatabaseAsync(new ExportDatabaseRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository), null, CancellationToken.None);
        var hot = await BackupEngine.StartHotBackupAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", repository), null, CancellationToken.None);

        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.RestoreBackupSetAsync(new RestoreBackupSetRequest(export.Path, temp.Combine("restored.db")), null, CancellationToken.None));
        Assert.Equal(Errors.ImportSetNotLogical, restore.Error);
        var import = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(hot.Path, $"Data Source={temp.Combine("imported.db")}"), null, CancellationToken.None));
        Assert.Equal(Errors.ImportSetNotLogical, import.Error);
        Assert.False(File.Exists(temp.Combine("restored.db")) || File.Exists(temp.Combine("imported.db")));
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
