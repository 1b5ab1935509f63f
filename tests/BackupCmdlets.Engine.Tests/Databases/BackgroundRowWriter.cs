namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Commits rows one per transaction, ids 1, 2, 3, ... in order, from its own connection on its own
/// task until stopped; <see cref="LastCommitted"/> is the highest id whose commit has returned.
/// Subclasses say how to connect and insert one row; they call <see cref="Start"/> when set up.
/// Each commit's wall-clock times are kept, for judging times a backup records.
/// </summary>
public abstract class BackgroundRowWriter : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _task = Task.CompletedTask;
    private readonly List<(DateTimeOffset Begun, DateTimeOffset Returned)> _commits = [];
    private long _lastCommitted;

    public long LastCommitted => Interlocked.Read(ref _lastCommitted);

    /// <summary>When the insert of id <c>i + 1</c> began and when its commit returned; read after <see cref="Stop"/>.</summary>
    public IReadOnlyList<(DateTimeOffset Begun, DateTimeOffset Returned)> Commits
    {
        get
        {
            Assert.True(_task.IsCompleted, "read the commit times after Stop");
            return _commits;
        }
    }

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
        GC.SuppressFinalize(this);
    }

    protected void Start() => _task = Task.Run(Run);

    /// <summary>Opens the writer's connection; answers it and the insert of one row with the given id.</summary>
    protected abstract (IDisposable Connection, Action<long> Insert) Open();

    private void Run()
    {
        var (connection, insert) = Open();
        using (connection)
        {
            long next = 1;
            while (!_stop.IsCancellationRequested)
            {
                var begun = DateTimeOffset.UtcNow;
                insert(next);
                _commits.Add((begun, DateTimeOffset.UtcNow));
                Interlocked.Exchange(ref _lastCommitted, next);
                next++;
            }
        }
    }
}
