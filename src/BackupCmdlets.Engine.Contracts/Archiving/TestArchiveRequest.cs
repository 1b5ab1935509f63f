namespace BackupCmdlets.Engine.Archiving;

/// <summary>Which archive to verify (Test-Archive), and optionally a folder to compare it with.</summary>
public sealed partial record TestArchiveRequest(string Path)
{
    [FrontParameter("A folder to compare the entries with, as tar -d -C folder does; entry names are relative to it.", IsPath = true)]
    public string? Compare { get; init; }
}
