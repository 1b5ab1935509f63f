using System.Management.Automation;
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
/// <example><code>Start-HotBackup -Engine PostgreSql -ConnectionString 'Host=/run/postgresql;Database=postgres' -Credential $cred -DestinationPath /backup/pg</code></example>
/// <example><code>Start-HotBackup -Engine Oracle -ConnectionString 'Data Source=localhost:1521/ORCL;User Id=/' -DestinationPath /backup/ora -Tablespace USERS -OracleDriverPath /opt/odp</code></example>
[Cmdlet(VerbsLifecycle.Start, "HotBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupSet))]
public sealed class StartHotBackupCommand : DatabaseBackupCmdletBase
{
    /// <summary><para type="description">PostgreSQL: the folder archive_command copies WAL into, when it cannot be read from archive_command.</para></summary>
    [Parameter]
    public string? WalArchivePath { get; set; }

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

    protected override void ProcessRecord() =>
        RunBackup(
            "Hot backup",
            "Hot backup into '{0}'",
            request => request with
            {
                WalArchivePath = WalArchivePath is null ? null : ResolveDestinationPath(WalArchivePath),
                WholeDatabase = WholeDatabase,
                Tablespace = Tablespace ?? [],
                Force = Force,
            },
            DatabaseBackup.StartHotAsync);
}
