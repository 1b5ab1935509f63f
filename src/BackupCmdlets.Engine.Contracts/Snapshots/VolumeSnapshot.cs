namespace BackupCmdlets.Engine.Snapshots;

/// <summary>
/// One read-only snapshot a -Snapshot run read its sources from: the volume it froze, when, and where it
/// was while it existed (it is always removed before the run ends).
/// </summary>
public sealed record VolumeSnapshot(
    SnapshotProvider Provider,
    string FileSystem,
    string Volume,
    string SnapshotPath,
    DateTimeOffset TakenAt)
{
    public override string ToString() => $"{Provider} {Volume} at {TakenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z";
}
