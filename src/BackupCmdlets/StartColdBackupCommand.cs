using System.Management.Automation;
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
public sealed class StartColdBackupCommand : DatabaseBackupCmdletBase
{
    protected override void ProcessRecord() =>
        RunBackup("Cold backup", "Shut down, copy into '{0}' and start again", request => request, DatabaseBackup.StartColdAsync);
}
