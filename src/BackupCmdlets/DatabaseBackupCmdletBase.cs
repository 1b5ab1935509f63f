using System.Globalization;
using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>The parameters Start-HotBackup and Start-ColdBackup share, and the run they share.</summary>
public abstract class DatabaseBackupCmdletBase : BackupCmdletBase
{
    /// <summary><para type="description">The database engine: PostgreSql, Sqlite or Oracle.</para></summary>
    [Parameter(Mandatory = true)]
    public DatabaseEngine Engine { get; set; }

    /// <summary><para type="description">The connection string (PostgreSQL: Npgsql keywords; SQLite: Data Source=file, a relative file from the current location; Oracle: ODP.NET keywords). Put the password in -Credential.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ConnectionString { get; set; } = "";

    /// <summary><para type="description">User name and password for the connection; never written to the set, a message or an error.</para></summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary><para type="description">The repository folder; the set is a new folder in it, created when missing.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">Plain (a copy of the folders) or Tar (one tar per data directory and tablespace).</para></summary>
    [Parameter]
    [PSDefaultValue(Help = "Plain; Tar when -Compression is given")]
    public BackupFormat Format { get; set; }

    /// <summary><para type="description">Compression of the tars: None, GZip or BZip2 (GZip and BZip2 imply -Format Tar).</para></summary>
    [Parameter]
    public ArchiveCompression Compression { get; set; }

    /// <summary><para type="description">How many files are copied, and tar chunks compressed, at the same time.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Help = "hot: 1, so the database keeps the other cores; cold: one per core")]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">A label recorded in the set (and, for a PostgreSQL hot backup, given to pg_backup_start).</para></summary>
    [Parameter]
    public string? Label { get; set; }

    /// <summary><para type="description">Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder.</para></summary>
    [Parameter]
    [PSDefaultValue(Help = "$env:BACKUPCMDLETS_ORACLE_DRIVER, then beside the module")]
    public string? OracleDriverPath { get; set; }

    /// <summary>Asks for confirmation, builds the request from the shared parameters (plus <paramref name="complete"/>), runs it and writes the set.</summary>
    protected void RunBackup(
        string activity,
        string action,
        bool force,
        Func<StartBackupRequest, StartBackupRequest> complete,
        Func<StartBackupRequest, IProgress<Engine.OperationProgress>, CancellationToken, Task<BackupSet>> start)
    {
        if (ResolveOutputPath(DestinationPath) is not { } destination)
        {
            return;
        }

        string? driver = null;
        if (OracleDriverPath is not null && (driver = ResolveOutputPath(OracleDriverPath)) is null)
        {
            return;
        }

        if (!ShouldProcessOrForce(BackupEngine.DescribeDatabase(Engine, ConnectionString), string.Format(CultureInfo.InvariantCulture, action, destination), force))
        {
            return;
        }

        var request = complete(new StartBackupRequest(Engine, ConnectionString, destination)
        {
            Credential = Credential?.GetNetworkCredential(),
            WorkingDirectory = CurrentDirectory,
            Format = Format,
            Compression = Compression,
            ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
            Label = Label,
            OracleDriverPath = driver,
        });
        var set = RunOperation(activity, destination, (progress, ct) => start(request, progress, ct));
        if (set is not null)
        {
            WriteResult(set, set.Problems);
        }
    }
}
