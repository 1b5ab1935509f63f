using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Fetches a WAL file from a WAL archive folder to a destination, decompressed and checked: PostgreSQL's restore_command.</para>
/// <para type="description">Looks for the name plus .zst (as Backup-WalSegment stores it), then the plain name and the name plus .gz (as
/// cp- or gzip-style archive_commands leave it). zstd's content checksum, the SHA-256 recorded by Backup-WalSegment and gzip's CRC are
/// checked, and a segment must be whole: a damaged file is the error WalArchiveFileDamaged. A name the archive does not hold is the error
/// WalFileNotFound (recovery asks for files that may not exist, and takes a failure as "not there"; the CLI then exits with 1 and prints
/// nothing). The file is written under a temporary name, flushed and renamed; an existing destination is replaced only with -Force.
/// Restore-BackupSet writes a restore_command that calls it for a set whose archive Backup-WalSegment fills.
/// An encrypted archive (Backup-WalSegment -EncryptionKeyFile or -EncryptionKey) needs its key: without it the error is EncryptionKeyRequired,
/// and a file that fails authentication (changed, cut short, or renamed from another WAL file's name) is EncryptedFileDamaged, the destination untouched.</para>
/// </summary>
/// <example>
/// <code>Restore-WalSegment -Name 000000010000000000000003 -DestinationPath /tmp/000000010000000000000003 -ArchivePath /backup/pg/wal_archive</code>
/// <para>Fetches one segment out of the archive.</para>
/// </example>
/// <example>
/// <code>restore_command = '/usr/local/bin/backupcmdlets restore-walsegment --name %f --destination-path %p --archive-path /backup/pg/wal_archive'</code>
/// <para>The restore_command (in postgresql.conf) that recovery calls for each file it needs.</para>
/// </example>
/// <example>
/// <code>Restore-WalSegment 000000010000000000000003 /tmp/000000010000000000000003 -ArchivePath /backup/pg/wal_archive -EncryptionKeyFile /etc/backup/wal.key</code>
/// <para>Fetches one segment out of an encrypted archive, authenticated with the archive's key file.</para>
/// </example>
/// <seealso cref="BackupWalSegmentCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
[Cmdlet(VerbsData.Restore, "WalSegment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(WalSegmentResult))]
[ParametersFrom(typeof(RestoreWalSegmentRequest), "Restore-WalSegment")]
public sealed partial class RestoreWalSegmentCommand : BackupCmdletBase
{
    /// <summary><para type="description">The passphrase an encrypted archive was made with (or -EncryptionKeyFile).</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord()
    {
        if (BuildRequest() is not { } built)
        {
            return;
        }

        var request = built with { EncryptionKey = EncryptionKey };
        if (!ShouldProcess(request.DestinationPath, $"Write WAL file {request.Name} from '{request.ArchivePath}'{(request.Force ? " replacing what is there" : "")}"))
        {
            return;
        }

        var result = RunOperation("Restore-WalSegment", request.Name, (_, ct) => BackupEngine.RestoreWalSegmentAsync(request, ct));
        if (result is not null)
        {
            WriteObject(result);
        }
    }
}
