namespace BackupCmdlets.Engine.Archiving;

/// <summary>Which archive to verify, and optionally a folder to compare it with (as <c>tar -d -C folder</c>).</summary>
public sealed record TestArchiveRequest(string Path)
{
    public string? CompareDirectory { get; init; }
}
