namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Backup-WalSegment, PostgreSQL's archive_command: store the WAL file at <see cref="Path"/> (a segment,
/// a timeline history, a backup history or a partial segment) into the WAL archive, compressed, under
/// its own name. An archived file of that name is never replaced.
/// </summary>
public sealed partial record BackupWalSegmentRequest(
    string Path,
    [property: FrontParameter("The WAL archive folder (it must exist): the file is stored there as its name plus .zst.", Mandatory = true, Position = 1, IsPath = true)]
    string ArchivePath);
