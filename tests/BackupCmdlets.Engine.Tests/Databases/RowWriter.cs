using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Commits rows into <c>writes(id)</c> one per transaction, ids 1, 2, 3, ... in order, until stopped;
/// <see cref="LastCommitted"/> is the highest id whose commit has returned.
/// </summary>
public sealed class RowWriter : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private long _lastCommitted;

    public RowWriter(string connectionString)
    {
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS writes (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), filler text)", connection);
            create.ExecuteNonQuery();
        }

        _task = Task.Run(() => Run(connectionString));
    }

    public long LastCommitted => Interlocked.Read(ref _lastCommitted);

    public void WaitFor(long rows)
    {
        while (LastCommitted < rows)
        {
            Assert.False(_task.IsCompleted, "the writer stopped: " + _task.Exception);
            Thread.Sleep(10);
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

    private void Run(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var insert = new NpgsqlCommand("INSERT INTO writes (id, filler) VALUES ($1, repeat('x', 200))", connection);
        var id = new NpgsqlParameter<long>();
        insert.Parameters.Add(id);
        long next = 1;
        while (!_stop.IsCancellationRequested)
        {
            id.TypedValue = next;
            insert.ExecuteNonQuery();
            Interlocked.Exchange(ref _lastCommitted, next);
            next++;
        }
    }
}
