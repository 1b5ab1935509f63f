using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// A PostgreSQL writer whose every transaction touches three tables: it inserts id <c>i</c> into
/// <c>pair_a</c> and <c>pair_b</c> and sets <c>pair_total.n</c> to <c>i</c>. Any consistent view of
/// the database has the same ids 1..n in both tables and n in the total; a copy read from more than
/// one snapshot does not (see <see cref="BackgroundRowWriter"/>).
/// </summary>
public sealed class PairRowWriter : BackgroundRowWriter
{
    private readonly string _connectionString;

    public PairRowWriter(string connectionString)
    {
        _connectionString = connectionString;
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand(
                """
                CREATE TABLE pair_a (id bigint PRIMARY KEY, payload text NOT NULL);
                CREATE TABLE pair_b (id bigint PRIMARY KEY, payload text NOT NULL);
                CREATE TABLE pair_total (one int PRIMARY KEY, n bigint NOT NULL);
                INSERT INTO pair_total VALUES (1, 0);
                """,
                connection);
            create.ExecuteNonQuery();
        }

        Start();
    }

    protected override (IDisposable Connection, Action<long> Insert) Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("INSERT INTO pair_a VALUES ($1, md5($1::text))"),
                new NpgsqlBatchCommand("INSERT INTO pair_b VALUES ($1, md5($1::text || 'b'))"),
                new NpgsqlBatchCommand("UPDATE pair_total SET n = $1"),
            },
        };
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter<long>());
        }

        // A batch without an explicit transaction runs as one implicit transaction.
        return (connection, next =>
        {
            foreach (var command in batch.BatchCommands)
            {
                ((NpgsqlParameter<long>)command.Parameters[0]).TypedValue = next;
            }

            batch.ExecuteNonQuery();
        });
    }
}
