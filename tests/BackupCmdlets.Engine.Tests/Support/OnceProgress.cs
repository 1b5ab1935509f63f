namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Calls an action once, on the first progress report that matches (e.g. when the copy starts).</summary>
internal sealed class OnceProgress(Func<OperationProgress, bool> when, Action action) : IProgress<OperationProgress>
{
    private int _done;

    public void Report(OperationProgress value)
    {
        if (when(value) && Interlocked.Exchange(ref _done, 1) == 0)
        {
            action();
        }
    }
}
