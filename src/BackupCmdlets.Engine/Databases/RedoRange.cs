namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// The redo/WAL files a hot backup needs, from the start position to (at least) the stop position;
/// <paramref name="SegmentSize"/> when the redo comes in fixed-size files (PostgreSQL WAL segments).
/// </summary>
public sealed record RedoRange(string StartPosition, string StopPosition, string EndPosition, IReadOnlyList<SourceFile> Files, long? SegmentSize);
