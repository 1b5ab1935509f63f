namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restore-WalSegment, PostgreSQL's restore_command: bring the WAL file <see cref="Name"/> back from
/// the WAL archive to <see cref="DestinationPath"/>, decompressed and checked.
/// </summary>
public sealed partial record RestoreWalSegmentRequest(
    [property: FrontParameter("The name of the WAL file to fetch (restore_command's %f): a segment, a timeline history, a backup history or a partial segment.", Mandatory = true, Position = 0)]
    string Name,
    [property: FrontParameter("Where to write the file (restore_command's %p).", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath,
    [property: FrontParameter("The WAL archive folder to fetch from: files Backup-WalSegment stored there (.zst), or copied there plain or gzip-compressed (.gz).", Mandatory = true, IsPath = true)]
    string ArchivePath)
{
    [FrontParameter("Replace a file that is already at the destination.")]
    public bool Force { get; init; }

    [FrontParameter("The key file an encrypted archive was made with (for a passphrase: -EncryptionKey in PowerShell, BACKUPCMDLETS_ENCRYPTION_KEY for the CLI). The file is authenticated before anything is written.", IsPath = true)]
    public string? EncryptionKeyFile { get; init; }

    /// <summary>The passphrase an encrypted archive was made with (the cmdlet's -EncryptionKey; the CLI's BACKUPCMDLETS_ENCRYPTION_KEY).</summary>
    public System.Security.SecureString? EncryptionKey { get; init; }
}
