using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Stores a PostgreSQL WAL file into a WAL archive folder, zstd-compressed with its SHA-256: PostgreSQL's archive_command.</para>
/// <para type="description">The file must be named as a WAL segment, a timeline history, a backup history or a partial segment, and a segment
/// must be whole (its size and first page header agree). It is stored as its name plus .zst (one zstd frame with its content checksum, after a
/// skippable frame holding the SHA-256 of the plain file; zstd -dc reads it), written under a temporary name, flushed to disk and renamed, so
/// success means it is on disk. A name already archived is never written again: with the same content that is success (PostgreSQL repeats a
/// command whose success it did not record), with other content the terminating error WalSegmentConflict. Start-HotBackup reads this archive
/// and Restore-BackupSet fetches from it with Restore-WalSegment. For archive_command use the CLI, which starts in milliseconds:
/// archive_command = '/usr/local/bin/backupcmdlets backup-walsegment --path %p --archive-path /backup/pg/wal_archive'.
/// With -EncryptionKeyFile (or -EncryptionKey) the archive is encrypted: each stored file is sealed with AES-256-GCM under the archive's key,
/// bound to the WAL file's name, and backupcmdlets-archive.json in the archive records how (never the key). An archive is encrypted from its
/// first file on, or never: without the key an encrypted archive is refused (EncryptionKeyRequired), a wrong key is EncryptionKeyWrong, and a
/// key for an archive holding files in the clear is WalArchiveNotEncrypted; nothing is written then.</para>
/// <parameter name="Path">The WAL files to archive (archive_command's %p, relative to the data directory); wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">The WAL files to archive, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Backup-WalSegment -Path pg_wal/000000010000000000000003 -ArchivePath /backup/pg/wal_archive</code>
/// <para>Archives one segment, as archive_command would, from the data directory.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem /srv/pg/data/pg_wal -File | Where-Object Name -Match '^[0-9A-F]{24}$' | Backup-WalSegment -ArchivePath /backup/pg/wal_archive -WhatIf</code>
/// <para>Shows which segments of pg_wal would be archived, writing nothing.</para>
/// </example>
/// <example>
/// <code>Backup-WalSegment pg_wal/000000010000000000000003 /backup/pg/wal_archive -EncryptionKeyFile /etc/backup/wal.key</code>
/// <para>Archives one segment encrypted under the key in /etc/backup/wal.key; Restore-WalSegment and Start-HotBackup read it with the same key.</para>
/// </example>
/// <seealso cref="RestoreWalSegmentCommand"/>
/// <seealso cref="StartHotBackupCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
[Cmdlet(VerbsData.Backup, "WalSegment", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(WalSegmentResult))]
[ParametersFrom(typeof(BackupWalSegmentRequest), "Backup-WalSegment")]
public sealed partial class BackupWalSegmentCommand : PathInputCmdletBase
{
    /// <summary><para type="description">A passphrase to encrypt the archive with (AES-256-GCM; the key is stretched from it with PBKDF2-SHA256, 600,000 rounds). Or -EncryptionKeyFile, which a restore_command can carry (a passphrase it cannot). Every later file of the archive needs the same passphrase.</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string file in InputPaths())
        {
            if (BuildRequest(file) is not { } built)
            {
                return;
            }

            var request = built with { EncryptionKey = EncryptionKey };
            if (!ShouldProcess(file, $"Archive into '{request.ArchivePath}'"))
            {
                continue;
            }

            var result = RunOperation("Backup-WalSegment", (_, ct) => BackupEngine.BackupWalSegmentAsync(request, ct), out var failure);
            if (failure is BackupException { ErrorId: nameof(Errors.WalSegmentConflict) or nameof(Errors.WalArchiveFileDamaged) or nameof(Errors.EncryptedFileDamaged)
                or nameof(Errors.EncryptionKeyRequired) or nameof(Errors.EncryptionKeyWrong) or nameof(Errors.EncryptionKeyInvalid) or nameof(Errors.WalArchiveNotEncrypted) } stop)
            {
                ThrowTerminatingError(ErrorRecordFactory.From(stop, file));
            }

            if (failure is not null)
            {
                WriteError(ErrorRecordFactory.From(failure, file));
            }

            if (result is not null)
            {
                WriteObject(result);
            }
        }
    }
}
