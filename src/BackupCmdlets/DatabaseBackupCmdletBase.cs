using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>The parameters Start-HotBackup and Start-ColdBackup share, and the run they share.</summary>
public abstract class DatabaseBackupCmdletBase : BackupCmdletBase
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

    /// <summary><para type="description">How many files are copied, and tar chunks compressed, at the same time. Default: a hot backup copies one file and compresses one chunk at a time (the database keeps the other cores), a cold backup uses one per core.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">A label recorded in the set (and, for a PostgreSQL hot backup, given to pg_backup_start).</para></summary>
    [Parameter]
    public string? Label { get; set; }

    /// <summary><para type="description">Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder; default: $env:BACKUPCMDLETS_ORACLE_DRIVER, then beside the module.</para></summary>
    [Parameter]
    public string? OracleDriverPath { get; set; }

    /// <summary>Asks ShouldProcess, builds the request from the shared parameters (plus <paramref name="complete"/>), runs it and writes the set.</summary>
    protected void RunBackup(
        string activity,
        string action,
        Func<StartBackupRequest, StartBackupRequest> complete,
        Func<StartBackupRequest, IProgress<OperationProgress>, CancellationToken, Task<BackupSet>> start)
    {
        string destination = ResolveDestinationPath(DestinationPath);
        if (!ShouldProcess(DatabaseBackup.DescribeConnection(Engine, ConnectionString), string.Format(System.Globalization.CultureInfo.InvariantCulture, action, destination)))
        {
            return;
        }

        var request = complete(new StartBackupRequest(Engine, ConnectionString, destination)
        {
            Credential = Credential?.GetNetworkCredential(),
            Format = Format,
            Compression = Compression,
            ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
            Label = Label,
            OracleDriverPath = OracleDriverPath is null ? null : ResolveDestinationPath(OracleDriverPath),
        });
        var set = RunOperation(activity, destination, (progress, ct) => start(request, progress, ct));
        if (set is not null)
        {
            WriteProblems(set.Problems);
            WriteObject(set);
        }
    }
}
