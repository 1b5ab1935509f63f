namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// What a read-ahead of a small file found: its content in a pooled buffer (with the read that took it,
/// for its metadata), or the file open for streaming (no buffer), or neither (a problem only).
/// </summary>
internal sealed record FileContent(SourceFileRead? Read, byte[]? Buffer, int Length, ItemProblem? Problem);
