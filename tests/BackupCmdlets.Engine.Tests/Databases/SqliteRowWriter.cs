using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Commits one row per transaction into an SQLite table from its own connection until stopped.</summary>
public sealed class SqliteRowWriter : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private long _lastCommitted;

    public SqliteRowWriter(string databasePath) => _task = Task.Run(() => Run(databasePath));

    public long LastCommitted => Interlocked.Read(ref _lastCommitted);

    public void WaitFor(long rows)
    {
        while (LastCommitted < rows)
        {
            Assert.False(_task.IsCompleted, "the writer stopped: " + _task.Exception);
            Thread.Sleep(5);
        }
    }

    public long Stop()
    {
        _stop.Cancel();
        _task.GetAwaiter().GetResult();
        return LastCommitted;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _task.Wait();
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Creates the table the writer fills, in the given journal mode, with some rows already in it.</summary>
    public static void CreateDatabase(string path, string journalMode, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            PRAGMA journal_mode = {journalMode};
            CREATE TABLE seed (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
            CREATE TABLE writes (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
            INSERT INTO seed SELECT i, hex(randomblob(100)) FROM n;
            """;
        command.ExecuteNonQuery();
    }

    public static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Run(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=60");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // Commits without fsync keep the writer fast, so it competes hard for the lock.
            pragma.CommandText = "PRAGMA synchronous = OFF";
            pragma.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO writes (id, payload) VALUES ($id, hex(randomblob(64)))";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        long next = 1;
        while (!_stop.IsCancellationRequested)
        {
            id.Value = next;
            insert.ExecuteNonQuery();
            Interlocked.Exchange(ref _lastCommitted, next);
            next++;
        }
    }
}
