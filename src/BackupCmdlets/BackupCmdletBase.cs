using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Host;
using BackupCmdlets.Engine;

namespace BackupCmdlets;

/// <summary>
/// The plumbing every cmdlet shares, so each cmdlet only maps parameters onto an engine request:
/// runs the engine operation on a worker thread, brings its progress to WriteProgress on the
/// pipeline thread (percent and time remaining whenever the engine knows a total, refreshed at a
/// steady rate, always ending with a Completed record), cancels it from StopProcessing, turns every
/// failure into an ErrorRecord with a stable id, and writes each result before its problems.
/// </summary>
public abstract class BackupCmdletBase : PSCmdlet, IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressRefresh = TimeSpan.FromSeconds(1);
    private static int _nextActivityId;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True when the user asked only to see what would happen (-WhatIf, or $WhatIfPreference).</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference", false));

    /// <summary>The current file-system location: where relative paths, also inside connection strings, are resolved.</summary>
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

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
        var result = RunOperation(activity, operation, out var failure);
        if (failure is not null)
        {
            WriteError(ErrorRecordFactory.From(failure, target));
        }

        return result;
    }

    /// <summary>As above, but answers the failure instead of writing it (for -Quiet).</summary>
    protected T? RunOperation<T>(string activity, Func<IProgress<OperationProgress>, CancellationToken, Task<T>> operation, out Exception? failure)
        where T : class
    {
        int activityId = Interlocked.Increment(ref _nextActivityId);
        var clock = Stopwatch.StartNew();
        using var queue = new BlockingCollection<OperationProgress>();
        var progress = new QueueProgress(queue);
        var task = Task.Run(() => operation(progress, _stopping.Token), _stopping.Token);
        task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            OperationProgress? latest = null;
            TimeSpan? written = null;
            while (!queue.IsCompleted)
            {
                bool fresh = false;
                if (queue.TryTake(out var report, ProgressInterval))
                {
                    latest = report;
                    fresh = true;
                    while (queue.TryTake(out var newer))
                    {
                        latest = newer;
                    }
                }

                var now = clock.Elapsed;
                if (latest is not null && (written is null || now - written >= (fresh ? ProgressInterval : ProgressRefresh)))
                {
                    WriteProgress(ToRecord(activityId, latest, now));
                    written = now;
                }
            }
        }
        finally
        {
            WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        try
        {
            failure = null;
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex)
        {
            failure = ex;
            return null;
        }
    }

    /// <summary>
    /// Writes a result, then each of its problems as a non-terminating error with the problem's id:
    /// the result always reaches the pipeline, also when -ErrorAction Stop turns the first error
    /// into an exception, and -ErrorVariable collects every problem.
    /// </summary>
    protected void WriteResult(object result, IEnumerable<ItemProblem> problems)
    {
        WriteObject(result);
        foreach (var problem in problems)
        {
            WriteError(ErrorRecordFactory.From(problem));
        }
    }

    /// <summary>
    /// ShouldProcess with the -Force pattern: -Force answers yes without asking (the unattended form,
    /// for cron, systemd and runbooks under pwsh -NonInteractive), unless -Confirm is given too;
    /// -WhatIf still only reports. Where a confirmation is needed but nobody can answer it, the
    /// pipeline stops with ConfirmationRequired instead of the host's bare prompt failure.
    /// </summary>
    protected bool ShouldProcessOrForce(string target, string action, bool force)
    {
        if (force && !IsWhatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force).");
            return true;
        }

        try
        {
            return ShouldProcess(target, action);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or HostException or PSNotImplementedException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Record(
                new InvalidOperationException($"'{action}' on '{target}' needs a confirmation, and this session cannot ask for one ({ex.Message}). Run it unattended with -Force (or -Confirm:$false).", ex),
                Errors.ConfirmationRequired,
                target));
            return false;
        }
    }

    /// <summary>The file-system paths named by -Path (wildcards expanded) or -LiteralPath (taken as written).</summary>
    protected IEnumerable<string> ResolveInputPaths(string[]? paths, bool literal)
    {
        foreach (string path in paths ?? [])
        {
            if (literal)
            {
                string resolved;
                ProviderInfo provider;
                try
                {
                    resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                }
                catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or ItemNotFoundException)
                {
                    WriteError(ErrorRecordFactory.PathNotResolved(ex, path));
                    continue;
                }

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
            catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                failure = ErrorRecordFactory.PathNotResolved(ex, path);
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

    /// <summary>
    /// A path that need not exist yet (a destination, a folder to compare with), resolved against the
    /// current location; null after writing a non-terminating error when it is not a file-system
    /// path (env:, HKLM:, a missing drive).
    /// </summary>
    protected string? ResolveOutputPath(string path)
    {
        try
        {
            string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (IsFileSystem(provider))
            {
                return resolved;
            }

            WriteError(ErrorRecordFactory.NotFileSystem(path));
        }
        catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or ItemNotFoundException)
        {
            WriteError(ErrorRecordFactory.PathNotResolved(ex, path));
        }

        return null;
    }

    private static bool IsFileSystem(ProviderInfo? provider) =>
        provider is not null && string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase);

    private static ProgressRecord ToRecord(int activityId, OperationProgress p, TimeSpan elapsed) =>
        new(activityId, p.Activity, string.IsNullOrEmpty(p.Status) ? "Working" : p.Status)
        {
            CurrentOperation = p.CurrentItem,
            PercentComplete = p.PercentComplete,
            SecondsRemaining = p.SecondsRemaining(elapsed) ?? -1,
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
