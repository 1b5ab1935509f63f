using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>A PostgreSQL writer committing rows into <c>writes(id)</c>, one per transaction (see <see cref="BackgroundRowWriter"/>).</summary>
public sealed class RowWriter : BackgroundRowWriter
{
    private readonly string _connectionString;

    public RowWriter(string connectionString)
    {
        _connectionString = connectionString;
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS writes (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), filler text)", connection);
            create.ExecuteNonQuery();
        }

        Start();
    }

    protected override (IDisposable Connection, Action<long> Insert) Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        var insert = new NpgsqlCommand("INSERT INTO writes (id, filler) VALUES ($1, repeat('x', 200))", connection);
        var id = new NpgsqlParameter<long>();
        insert.Parameters.Add(id);
        return (connection, next =>
        {
            id.TypedValue = next;
            insert.ExecuteNonQuery();
        });
    }
}
