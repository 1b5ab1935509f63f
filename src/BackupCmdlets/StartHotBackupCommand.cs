using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;
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
public sealed class StartHotBackupCommand : BackupCmdletBase
{
    /// <summary><para type="description">The database engine.</para></summary>
    [Parameter(Mandatory = true)]
    public DatabaseEngine Engine { get; set; }

    /// <summary><para type="description">The connection string (PostgreSQL: Npgsql keywords; SQLite: Data Source=file). Put the password in -Credential.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string ConnectionString { get; set; } = "";

    /// <summary><para type="description">User name and password for the connection; never written to the set, a message or an error.</para></summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary><para type="description">The repository folder; the set is a new folder in it.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">Plain (a copy of the folders, the default) or Tar (one tar per data directory and tablespace).</para></summary>
    [Parameter]
    public BackupFormat Format { get; set; }

    /// <summary><para type="description">Compression of the tars (GZip or BZip2 imply -Format Tar).</para></summary>
    [Parameter]
    public ArchiveCompression Compression { get; set; }

    /// <summary><para type="description">How many files are copied at the same time (default: one per core).</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">A label recorded in the set and given to pg_backup_start.</para></summary>
    [Parameter]
    public string? Label { get; set; }

    /// <summary><para type="description">PostgreSQL: the folder archive_command copies WAL into, when it cannot be read from archive_command.</para></summary>
    [Parameter]
    public string? WalArchivePath { get; set; }

    /// <summary><para type="description">Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder; default: $env:BACKUPCMDLETS_ORACLE_DRIVER, then beside the module.</para></summary>
    [Parameter]
    public string? OracleDriverPath { get; set; }

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
        string destination = ResolveDestinationPath(DestinationPath);
        if (!ShouldProcess(DatabaseBackup.DescribeConnection(Engine, ConnectionString), $"Hot backup into '{destination}'"))
        {
            return;
        }

        var request = new StartBackupRequest(Engine, ConnectionString, destination)
        {
            Credential = Credential?.GetNetworkCredential(),
            Format = Format,
            Compression = Compression,
            ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
            Label = Label,
            WalArchivePath = WalArchivePath is null ? null : ResolveDestinationPath(WalArchivePath),
            OracleDriverPath = OracleDriverPath is null ? null : ResolveDestinationPath(OracleDriverPath),
            WholeDatabase = WholeDatabase,
            Tablespace = Tablespace ?? [],
            Force = Force,
        };
        var set = RunOperation("Hot backup", destination, (progress, ct) => DatabaseBackup.StartHotAsync(request, progress, ct));
        if (set is not null)
        {
            WriteProblems(set.Problems);
            WriteObject(set);
        }
    }
}
