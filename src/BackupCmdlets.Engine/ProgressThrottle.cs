using System.Diagnostics;

namespace BackupCmdlets.Engine;

/// <summary>Passes progress on at most every <see cref="Interval"/>, so hot loops can report freely.</summary>
internal sealed class ProgressThrottle
{
    private static readonly long Interval = Stopwatch.Frequency / 5;
    private readonly IProgress<OperationProgress>? _target;
    private long _last;

    public ProgressThrottle(IProgress<OperationProgress>? target) => _target = target;

    public void Report(Func<OperationProgress> make, bool force = false)
    {
        if (_target is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        long last = Interlocked.Read(ref _last);
        if (!force && now - last < Interval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _last, now, last) == last || force)
        {
            _target.Report(make());
        }
    }
}
