using System.Collections.Concurrent;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Reads small files ahead of the tar writer on a few dedicated threads (blocking reads would
/// starve the thread pool on a two-core machine). Results are taken in archive order.
/// </summary>
internal sealed class SmallFileReadAhead<T> : IDisposable
{
    private readonly BlockingCollection<(Func<T> Read, TaskCompletionSource<T> Done)> _jobs = new();
    private readonly Thread[] _threads;

    public SmallFileReadAhead(int threads)
    {
        _threads = Enumerable.Range(0, Math.Max(1, threads)).Select(i => new Thread(Work) { IsBackground = true, Name = $"read-ahead {i}" }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Queues a read; the task completes when a reader thread has run it.</summary>
    public Task<T> Start(Func<T> read)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add((read, done));
        return done.Task;
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _jobs.Dispose();
    }

    private void Work()
    {
        foreach (var (read, done) in _jobs.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(read());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }
}
