using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

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
/// <seealso cref="StartColdBackupCommand"/>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
/// <seealso cref="RemoveBackupSetCommand"/>
[Cmdlet(VerbsLifecycle.Start, "HotBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupSet))]
public sealed class StartHotBackupCommand : DatabaseBackupCmdletBase
{
    /// <summary><para type="description">PostgreSQL: the folder archive_command copies WAL into, when it cannot be read from archive_command.</para></summary>
    [Parameter]
    public string? WalArchivePath { get; set; }

    /// <summary><para type="description">PostgreSQL: how many seconds to wait for the WAL the set needs to reach the archive before the backup fails. A failing archive_command (seen in pg_stat_archiver) fails it at once.</para></summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    [PSDefaultValue(Help = "60")]
    public int ArchiveTimeout { get; set; }

    /// <summary><para type="description">Oracle: ALTER DATABASE BEGIN/END BACKUP for the whole database instead of one tablespace at a time.</para></summary>
    [Parameter]
    public SwitchParameter WholeDatabase { get; set; }

    /// <summary><para type="description">Oracle: back up only these tablespaces (names as unquoted identifiers).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Tablespace { get; set; }

    /// <summary><para type="description">Oracle: end a stale backup mode (files ACTIVE in v$backup, as after a crash) before starting.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string? walArchive = null;
        if (WalArchivePath is not null && (walArchive = ResolveOutputPath(WalArchivePath)) is null)
        {
            return;
        }

        RunBackup(
            "Hot backup",
            "Hot backup into '{0}'",
            force: false,
            request => request with
            {
                WalArchivePath = walArchive,
                ArchiveTimeout = ArchiveTimeout > 0 ? TimeSpan.FromSeconds(ArchiveTimeout) : request.ArchiveTimeout,
                WholeDatabase = WholeDatabase,
                Tablespace = Tablespace ?? [],
                Force = Force,
            },
            BackupEngine.StartHotBackupAsync);
    }
}
