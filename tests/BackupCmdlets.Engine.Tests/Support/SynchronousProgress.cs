namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Progress handled on the reporting thread, at the moment it is reported (Progress&lt;T&gt; would post it later).</summary>
public sealed class SynchronousProgress(Action<OperationProgress> onReport) : IProgress<OperationProgress>
{
    public void Report(OperationProgress value) => onReport(value);
}
