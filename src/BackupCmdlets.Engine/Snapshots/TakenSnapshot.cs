namespace BackupCmdlets.Engine.Snapshots;

/// <summary>A snapshot that exists until its provider removes it: files below the volume's root are read below <see cref="ReadRoot"/>.</summary>
internal sealed record TakenSnapshot(SnapshotVolume Volume, string ReadRoot, VolumeSnapshot Description);
