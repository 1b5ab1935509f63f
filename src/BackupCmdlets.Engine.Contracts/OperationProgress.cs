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

    /// <summary>
    /// Seconds left at the rate so far (bytes when their total is known, else items), for an operation
    /// running for <paramref name="elapsed"/>; null while nothing is done or no total is known.
    /// </summary>
    public int? SecondsRemaining(TimeSpan elapsed)
    {
        (long done, long? total) = BytesTotal is > 0 ? (BytesDone, BytesTotal) : (ItemsDone, ItemsTotal);
        if (total is not { } all || done <= 0 || elapsed <= TimeSpan.Zero)
        {
            return null;
        }

        double seconds = elapsed.TotalSeconds * Math.Max(0, all - done) / done;
        return (int)Math.Min(Math.Ceiling(seconds), int.MaxValue);
    }
}
