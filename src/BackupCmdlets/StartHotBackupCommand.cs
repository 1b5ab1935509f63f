using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Takes a hot (online) backup of a PostgreSQL, SQLite or Oracle database into a backup-set repository.</para>
/// <para type="description">PostgreSQL: pg_backup_start on one held session, the data directory and every tablespace copied in whole
/// pages with checksum verification, pg_backup_stop in a finally, then backup_label, tablespace_map and the archived WAL from start to
/// stop. SQLite: the online backup API into a temporary file, integrity-checked and renamed. Oracle (ARCHIVELOG mode; ODP.NET from
/// -OracleDriverPath): each tablespace (or -WholeDatabase) in backup mode, its datafiles copied in whole blocks with DBVERIFY-like checks,
/// END BACKUP in a finally, then ARCHIVE LOG CURRENT, the controlfile backed up, and the archived logs from the start to the end SCN.
/// Returns the backup set.</para>
/// </summary>
/// <example>
/// <code>Start-HotBackup -Engine PostgreSql -ConnectionString 'Host=/run/postgresql;Database=postgres' -Credential $cred -DestinationPath /backup/pg</code>
/// <para>Takes an online base backup of the cluster, with the WAL that makes it consistent, into a new set in /backup/pg.</para>
/// </example>
/// <example>
/// <code>Start-HotBackup -Engine PostgreSql 'Host=/run/postgresql;Database=postgres' /backup/pg -WalArchivePath /srv/pg-wal-archive -ArchiveTimeout 300</code>
/// <para>Takes the WAL from /srv/pg-wal-archive and waits up to five minutes for it to arrive there (60 seconds by default); a failing archive_command fails the backup at once.</para>
/// </example>
/// <example>
/// <code>Set-Location /srv/shop; Start-HotBackup -Engine Sqlite 'Data Source=shop.db' /backup/shop -Compression GZip</code>
/// <para>Backs up /srv/shop/shop.db (a relative Data Source is taken from the current location) with SQLite's online backup API, gzip-compressed.</para>
/// </example>
/// <example>
/// <code>Start-HotBackup -Engine Oracle -ConnectionString 'Data Source=localhost:1521/ORCL;User Id=/' -DestinationPath /backup/ora -Tablespace USERS -OracleDriverPath /opt/odp</code>
/// <para>Puts the USERS tablespace in backup mode, copies its datafiles, ends backup mode and keeps the archived logs the copy needs.</para>
/// </example>
/// <example>
/// <code>head -c 32 /dev/urandom > /etc/backup/pg.key; chmod 600 /etc/backup/pg.key
/// Start-HotBackup -Engine PostgreSql 'Host=/run/postgresql;Database=postgres' /backup/pg -Type Incremental -EncryptionKeyFile /etc/backup/pg.key</code>
/// <para>Takes an incremental set encrypted with AES-256-GCM under the key in /etc/backup/pg.key (its parent must be encrypted with the same key); Test-BackupSet and Restore-BackupSet take the same -EncryptionKeyFile.</para>
/// </example>
/// <example>
/// <code>Start-HotBackup -Engine PostgreSql 'Host=/run/postgresql;Database=postgres' /backup/pg -Type Incremental -Format Plain -Compression Zstd -ThrottleLimit 2</code>
/// <para>Takes an incremental set whose files (and page files) are each stored zstd-compressed (zstd -dc reads any of them), two files at a time; its parent may be a plain set, compressed or not.</para>
/// </example>
/// <example>
/// <code>Start-HotBackup -Engine PostgreSql 'Host=/run/postgresql;Database=postgres' /backup/pg -Format Plain -Compression Zstd -EncryptionKeyFile /etc/backup/pg.key</code>
/// <para>Takes a full set whose files are each zstd-compressed, then encrypted with AES-256-GCM: as small as a compressed set, as closed as an encrypted one.</para>
/// </example>
/// <seealso cref="StartColdBackupCommand"/>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
/// <seealso cref="RemoveBackupSetCommand"/>
[Cmdlet(VerbsLifecycle.Start, "HotBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupSet))]
[ParametersFrom(typeof(StartBackupRequest), "Start-HotBackup")]
public sealed partial class StartHotBackupCommand : DatabaseBackupCmdletBase
{
    /// <summary><para type="description">PostgreSQL, Plain format (with -Compression Zstd each file compressed first): a passphrase to encrypt every file of the set with (AES-256-GCM; the key is stretched from it with PBKDF2-SHA256, 600,000 rounds). Or -EncryptionKeyFile. Restores and Test-BackupSet need the same passphrase.</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord() =>
        RunBackup(BuildRequest() is { } request ? request with { EncryptionKey = EncryptionKey } : null, "Hot backup", "Hot backup into '{0}'", force: false, BackupEngine.StartHotBackupAsync);
}
