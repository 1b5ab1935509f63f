using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Takes a cold (offline) backup: shuts the database down cleanly, copies every file, starts it again.</para>
/// <para type="description">PostgreSQL: pg_ctl stop -m fast, the data directory and tablespaces copied with page checksum verification,
/// pg_ctl start in a finally (the server runs again even when the copy failed). SQLite: the file and its journal/WAL under an exclusive lock.
/// Oracle: the datafiles, online logs and controlfiles listed, SHUTDOWN IMMEDIATE and STARTUP through ODP.NET's OracleDatabase
/// (SYSDBA), STARTUP in a finally.</para>
/// </summary>
/// <example><code>Start-ColdBackup -Engine Sqlite -ConnectionString 'Data Source=/srv/app.db' -DestinationPath /backup/app</code></example>
/// <example><code>Start-ColdBackup -Engine Oracle -ConnectionString 'Data Source=localhost:1521/ORCL;User Id=/' -DestinationPath /backup/ora</code></example>
[Cmdlet(VerbsLifecycle.Start, "ColdBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupSet))]
public sealed class StartColdBackupCommand : BackupCmdletBase
{
    /// <summary><para type="description">The database engine.</para></summary>
    [Parameter(Mandatory = true)]
    public DatabaseEngine Engine { get; set; }

    /// <summary><para type="description">The connection string (PostgreSQL: Npgsql keywords; SQLite: Data Source=file).</para></summary>
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

    /// <summary><para type="description">A label recorded in the set.</para></summary>
    [Parameter]
    public string? Label { get; set; }

    /// <summary><para type="description">Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder; default: $env:BACKUPCMDLETS_ORACLE_DRIVER, then beside the module.</para></summary>
    [Parameter]
    public string? OracleDriverPath { get; set; }

    protected override void ProcessRecord()
    {
        string destination = ResolveDestinationPath(DestinationPath);
        if (!ShouldProcess(DatabaseBackup.DescribeConnection(Engine, ConnectionString), $"Shut down, copy into '{destination}' and start again"))
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
            OracleDriverPath = OracleDriverPath is null ? null : ResolveDestinationPath(OracleDriverPath),
        };
        var set = RunOperation("Cold backup", destination, (progress, ct) => DatabaseBackup.StartColdAsync(request, progress, ct));
        if (set is not null)
        {
            WriteProblems(set.Problems);
            WriteObject(set);
        }
    }
}
