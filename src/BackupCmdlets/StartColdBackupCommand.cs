using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Takes a cold (offline) backup: shuts the database down cleanly, copies every file, starts it again.</para>
/// <para type="description">PostgreSQL: pg_ctl stop -m fast, the data directory and tablespaces copied with page checksum verification,
/// pg_ctl start in a finally (the server runs again even when the copy failed). SQLite: the file and its journal/WAL under an exclusive lock.
/// Oracle: the datafiles, online logs and controlfiles listed, SHUTDOWN IMMEDIATE and STARTUP through ODP.NET's OracleDatabase
/// (SYSDBA), STARTUP in a finally. Stopping a database is high impact, so the cmdlet asks first; -Force (or -Confirm:$false) runs it
/// unattended, as cron, systemd timers and runbooks under pwsh -NonInteractive need.</para>
/// </summary>
/// <example>
/// <code>Start-ColdBackup -Engine Sqlite -ConnectionString 'Data Source=/srv/app.db' -DestinationPath /backup/app</code>
/// <para>Asks for confirmation, then copies the database under an exclusive lock into a new set in /backup/app.</para>
/// </example>
/// <example>
/// <code>pwsh -NonInteractive -Command "Start-ColdBackup -Engine PostgreSql 'Host=/run/postgresql;Username=postgres' /backup/pg -Force"</code>
/// <para>The unattended form for a scheduled job: -Force answers the confirmation.</para>
/// </example>
/// <example>
/// <code>Start-ColdBackup -Engine Oracle -ConnectionString 'Data Source=localhost:1521/ORCL;User Id=/' -DestinationPath /backup/ora -Force</code>
/// <para>Shuts the Oracle instance down, copies every file and starts it again.</para>
/// </example>
/// <seealso cref="StartHotBackupCommand"/>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
[Cmdlet(VerbsLifecycle.Start, "ColdBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupSet))]
[ParametersFrom(typeof(StartBackupRequest), "Start-ColdBackup")]
public sealed partial class StartColdBackupCommand : DatabaseBackupCmdletBase
{
    /// <summary><para type="description">Do not ask for confirmation before stopping the database (the unattended form).</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">PostgreSQL: a passphrase to encrypt every file of the set with (AES-256-GCM; the key is stretched from it with PBKDF2-SHA256). Or -EncryptionKeyFile. Restores and Test-BackupSet need the same passphrase.</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord() =>
        RunBackup(BuildRequest() is { } request ? request with { EncryptionKey = EncryptionKey } : null, "Cold backup", "Shut down, copy into '{0}' and start again", Force, BackupEngine.StartColdBackupAsync);
}
