using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using BackupCmdlets.Engine;

namespace BackupCmdlets;

/// <summary>
/// The plumbing every cmdlet shares, so each cmdlet only maps parameters onto an engine request:
/// runs the engine operation on a worker thread, brings its progress to WriteProgress on the
/// pipeline thread (always ending with a Completed record), cancels it from StopProcessing, and
/// turns engine exceptions into ErrorRecords with stable ids.
/// </summary>
public abstract class BackupCmdletBase : PSCmdlet, IDisposable
{
    private static int _nextActivityId;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True when the user asked only to see what would happen (-WhatIf, or $WhatIfPreference).</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference", false));

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs one engine operation to its end on a worker thread while this (pipeline) thread writes
    /// its progress. Answers the result, or null after writing the failure as an error record for
    /// <paramref name="target"/> (so the next pipeline input still runs).
    /// </summary>
    protected T? RunOperation<T>(string activity, object? target, Func<IProgress<OperationProgress>, CancellationToken, Task<T>> operation)
        where T : class
    {
        int activityId = Interlocked.Increment(ref _nextActivityId);
        using var queue = new BlockingCollection<OperationProgress>();
        var progress = new QueueProgress(queue);
        var task = Task.Run(() => operation(progress, _stopping.Token), _stopping.Token);
        task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var report in queue.GetConsumingEnumerable())
            {
                var latest = report;
                while (queue.TryTake(out var newer))
                {
                    latest = newer;
                }

                WriteProgress(ToRecord(activityId, latest));
            }
        }
        finally
        {
            WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (BackupException ex)
        {
            WriteError(ErrorRecordFactory.From(ex, target));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            WriteError(ErrorRecordFactory.From(ex, target));
            return null;
        }
    }

    /// <summary>Writes the per-item problems of a finished run as non-terminating errors.</summary>
    protected void WriteProblems(IEnumerable<ItemProblem> problems)
    {
        foreach (var problem in problems)
        {
            WriteError(ErrorRecordFactory.From(problem));
        }
    }

    /// <summary>The file-system paths named by -Path (wildcards expanded) or -LiteralPath (taken as written).</summary>
    protected IEnumerable<string> ResolveInputPaths(string[]? paths, bool literal)
    {
        foreach (string path in paths ?? [])
        {
            if (literal)
            {
                string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (!IsFileSystem(provider))
                {
                    WriteError(ErrorRecordFactory.NotFileSystem(path));
                    continue;
                }

                if (!File.Exists(resolved) && !Directory.Exists(resolved) && new FileInfo(resolved).LinkTarget is null)
                {
                    WriteError(ErrorRecordFactory.PathNotFound(resolved));
                    continue;
                }

                yield return resolved;
                continue;
            }

            Collection<string>? matches = null;
            ProviderInfo? matchProvider = null;
            ErrorRecord? failure = null;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out matchProvider);
            }
            catch (ItemNotFoundException)
            {
                failure = ErrorRecordFactory.PathNotFound(path);
            }

            if (failure is not null || matches is null || matches.Count == 0)
            {
                WriteError(failure ?? ErrorRecordFactory.PathNotFound(path));
                continue;
            }

            if (!IsFileSystem(matchProvider))
            {
                WriteError(ErrorRecordFactory.NotFileSystem(path));
                continue;
            }

            foreach (string match in matches)
            {
                yield return match;
            }
        }
    }

    /// <summary>A destination path: resolved against the current location, need not exist yet.</summary>
    protected string ResolveDestinationPath(string path) =>
        SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    private static bool IsFileSystem(ProviderInfo? provider) =>
        provider is not null && string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase);

    private static ProgressRecord ToRecord(int activityId, OperationProgress p) =>
        new(activityId, p.Activity, string.IsNullOrEmpty(p.Status) ? "Working" : p.Status)
        {
            CurrentOperation = p.CurrentItem,
            PercentComplete = p.PercentComplete,
        };

    private sealed class QueueProgress(BlockingCollection<OperationProgress> queue) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value)
        {
            try
            {
                queue.TryAdd(value);
            }
            catch (InvalidOperationException)
            {
                // The operation already ended: late progress has nowhere to go.
            }
        }
    }
}
