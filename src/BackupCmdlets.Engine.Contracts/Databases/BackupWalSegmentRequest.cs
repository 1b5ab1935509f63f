namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Backup-WalSegment, PostgreSQL's archive_command: store the WAL file at <see cref="Path"/> (a segment,
/// a timeline history, a backup history or a partial segment) into the WAL archive, compressed, under
/// its own name. An archived file of that name is never replaced.
/// </summary>
public sealed partial record BackupWalSegmentRequest(
    string Path,
    [property: FrontParameter("The WAL archive folder (it must exist): the file is stored there as its name plus .zst.", Mandatory = true, Position = 1, IsPath = true)]
    string ArchivePath)
{
    [FrontParameter("Encrypt the archive with AES-256-GCM under a key read from this file (at least 32 bytes, as from head -c 32 /dev/urandom): the stored file is the .zst sealed under the archive's key with the WAL file's name. The first encrypted file creates backupcmdlets-archive.json in the archive (how it is encrypted, never the key); later files need the same key, and an archive holding files in the clear takes none. A passphrase may be given instead: -EncryptionKey (a SecureString) in PowerShell, the BACKUPCMDLETS_ENCRYPTION_KEY environment variable for the CLI.", IsPath = true)]
    public string? EncryptionKeyFile { get; init; }

    /// <summary>A passphrase the archive is encrypted under (the cmdlet's -EncryptionKey, a SecureString; the CLI's BACKUPCMDLETS_ENCRYPTION_KEY).</summary>
    public System.Security.SecureString? EncryptionKey { get; init; }
}
