using System.Collections.Concurrent;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// A few dedicated threads for blocking file work: reading small files ahead of the tar writer,
/// writing small files behind the tar reader, compressing tar chunks, copying files while a sync still
/// scans. (Blocking calls on the thread pool starve it on a two-core machine; these threads only ever
/// block themselves.) Each job answers a task; Dispose runs the jobs already queued, then stops;
/// Cancel drops the queued ones (their tasks end cancelled) and waits only for those running.
/// </summary>
internal sealed class WorkerThreads<T> : IDisposable
{
    private readonly BlockingCollection<(Func<T> Read, TaskCompletionSource<T> Done)> _jobs = new();
    private readonly Thread[] _threads;

    public WorkerThreads(int threads, string name)
    {
        _threads = Enumerable.Range(0, Math.Max(1, threads)).Select(i => new Thread(Work) { IsBackground = true, Name = $"{name} {i}" }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Queues a job; the task completes when a worker thread has run it.</summary>
    public Task<T> Start(Func<T> job)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add((job, done));
        return done.Task;
    }

    /// <summary>Stops taking jobs, cancels those not started, and waits for the running ones to end.</summary>
    public void Cancel()
    {
        _jobs.CompleteAdding();
        while (_jobs.TryTake(out var job))
        {
            job.Done.TrySetCanceled();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
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
