using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>An SQLite writer committing rows into <c>writes(id)</c>, one per transaction (see <see cref="BackgroundRowWriter"/>).</summary>
public sealed class SqliteRowWriter : BackgroundRowWriter
{
    private readonly string _databasePath;

    public SqliteRowWriter(string databasePath)
    {
        _databasePath = databasePath;
        Start();
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

    protected override (IDisposable Connection, Action<long> Insert) Open()
    {
        var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False;Default Timeout=60");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // Commits without fsync keep the writer fast, so it competes hard for the lock.
            pragma.CommandText = "PRAGMA synchronous = OFF";
            pragma.ExecuteNonQuery();
        }

        var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO writes (id, payload) VALUES ($id, hex(randomblob(64)))";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        return (connection, next =>
        {
            id.Value = next;
            insert.ExecuteNonQuery();
        });
    }
}
