namespace BackupCmdlets.Engine.Archiving;

/// <summary>Which archive to list.</summary>
public sealed record ListArchiveRequest(string Path);
