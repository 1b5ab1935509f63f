using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Cli;

/// <summary>
/// The SQLite part of the demo: a sample database with a writer committing rows, a hot backup taken
/// meanwhile, restored, and the row counts shown. The demo command calls <see cref="RunAsync"/>.
/// </summary>
public static class SqliteDemo
{
    public static async Task<bool> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("backupcmdlets-sqlite-demo-").FullName;
        try
        {
            string database = Path.Combine(folder, "shop.db");
            await using (var setup = Open(database))
            {
                Execute(setup, "PRAGMA journal_mode = WAL; CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, placed TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
                Execute(setup, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO orders (item) SELECT 'item-' || i FROM n");
            }

            output.WriteLine($"SQLite demo in {folder}: shop.db has 10000 orders; a writer now adds one order per transaction.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            long committed = 0;
            var writer = Task.Run(
                () =>
                {
                    using var connection = Open(database);
                    using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO orders (item) VALUES ('live order')";
                    while (!stop.IsCancellationRequested)
                    {
                        insert.ExecuteNonQuery();
                        Interlocked.Increment(ref committed);
                    }
                },
                CancellationToken.None);
            while (Interlocked.Read(ref committed) < 200 && !writer.IsCompleted)
            {
                await Task.Delay(5, cancellationToken);
            }

            long committedAtCopy = 0;
            var progress = new DirectProgress(p =>
            {
                if (p.Status == "Copied")
                {
                    committedAtCopy = Interlocked.Read(ref committed);
                }
            });
            var set = await BackupEngine.StartHotBackupAsync(new StartBackupRequest(DatabaseEngine.Sqlite, $"Data Source={database}", Path.Combine(folder, "repository")), progress, cancellationToken);
            await Task.Delay(100, cancellationToken);
            stop.Cancel();
            await writer;
            long sourceRows = Count(database);
            output.WriteLine($"Start-HotBackup -Engine Sqlite: set {set.SetId}, {set.Bytes} bytes, status {set.Status}; {committedAtCopy} live orders were committed when the copy was taken.");

            var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path), null, cancellationToken);
            output.WriteLine($"Test-BackupSet: passed = {test.Passed}");
            string restored = Path.Combine(folder, "restored.db");
            await BackupEngine.RestoreBackupSetAsync(new RestoreBackupSetRequest(set.Path, restored), null, cancellationToken);
            long restoredRows = Count(restored);
            output.WriteLine($"Restore-BackupSet: restored.db has {restoredRows} orders (10000 + {restoredRows - 10000} live); the source has {sourceRows} now, as the writer went on after the backup.");
            bool ok = test.Passed && restoredRows >= 10000 + committedAtCopy && restoredRows <= sourceRows;
            output.WriteLine(ok ? "SQLite demo: the copy holds every order committed before the backup finished." : "SQLite demo: FAILED.");
            return ok;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=60");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Count(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM orders";
        return (long)command.ExecuteScalar()!;
    }

    private sealed class DirectProgress(Action<Engine.OperationProgress> onReport) : IProgress<Engine.OperationProgress>
    {
        public void Report(Engine.OperationProgress value) => onReport(value);
    }
}
