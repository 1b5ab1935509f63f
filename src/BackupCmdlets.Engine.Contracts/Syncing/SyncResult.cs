namespace BackupCmdlets.Engine.Syncing;

/// <summary>A finished sync: the pipeline object of Invoke-DeltaSync.</summary>
public sealed record SyncResult(
    string SourcePath,
    string DestinationPath,
    long ItemsScanned,
    long Created,
    long Updated,
    long Deleted,
    long Unchanged,
    long BytesCopied,
    long BytesReused,
    TimeSpan Duration,
    bool DryRun,
    IReadOnlyList<SyncChange> Changes,
    IReadOnlyList<ItemProblem> Problems)
{
    /// <summary>Every change made (or, in a dry run, that would be made), in the order applied.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<SyncChange> Changes { get; init => field = ResultList.Of(value); } = ResultList.Of(Changes);

    /// <summary>Each problem found, also written as a non-terminating error.</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>Entries that could not be synced (reported in <see cref="Problems"/>).</summary>
    public int Errors => Problems.Count;

    /// <summary>False when some entries could not be synced: the destination is not yet a full mirror.</summary>
    public bool Complete => Problems.Count == 0;

    /// <summary>The snapshot the source was read from (-Snapshot), with the time it was taken; empty without it.</summary>
    public IReadOnlyList<Snapshots.VolumeSnapshot> Snapshots { get; init => field = ResultList.Of(value); } = ResultList<Snapshots.VolumeSnapshot>.Empty;
}
