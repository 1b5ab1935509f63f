namespace BackupCmdlets.Engine;

/// <summary>Progress of a long engine operation, reported on worker threads.</summary>
public sealed record OperationProgress(
    string Activity,
    string Status,
    string? CurrentItem = null,
    long ItemsDone = 0,
    long? ItemsTotal = null,
    long BytesDone = 0,
    long? BytesTotal = null)
{
    /// <summary>Percent complete by bytes when their total is known, else by items; -1 when unknown.</summary>
    public int PercentComplete =>
        BytesTotal is > 0 ? (int)Math.Clamp(BytesDone * 100 / BytesTotal.Value, 0, 100)
        : ItemsTotal is > 0 ? (int)Math.Clamp(ItemsDone * 100 / ItemsTotal.Value, 0, 100)
        : -1;
}
