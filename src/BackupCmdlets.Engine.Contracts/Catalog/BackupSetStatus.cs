namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Complete: manifest written, nothing wrong found. Failed: manifest written, but corrupt blocks were
/// found on the source (never restored). Incomplete: no manifest (cancelled, killed, or still running).
/// </summary>
public enum BackupSetStatus
{
    Complete,
    Failed,
    Incomplete,
}
