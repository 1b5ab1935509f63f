namespace BackupCmdlets.Engine.Archiving.Incremental;

/// <summary>How a folder's contents are chosen: all of them (<see cref="Whole"/>), or by change against the names it held before.</summary>
internal sealed record FolderScope(bool Whole, HashSet<string>? KnownNames);
