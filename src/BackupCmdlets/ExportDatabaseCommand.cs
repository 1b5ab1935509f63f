using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Exports a PostgreSQL, SQLite or Oracle database (schema and rows, as of one snapshot) into a backup-set repository: a logical set.</para>
/// <para type="description">PostgreSQL: pg_dump of the server's major version (or newer) in its directory format, -ThrottleLimit tables at a
/// time from one snapshot, optionally only some schemas (-Schema) or tables (-Table); the server may be on another host. The password
/// reaches pg_dump through a private password file, never its command line. SQLite: VACUUM INTO, a compact copy as of one read
/// transaction while writers go on, integrity-checked; or, with -Format SqlDump, the SQL text that recreates the database. Oracle: a Data
/// Pump job (DBMS_DATAPUMP over ODP.NET, found as for Start-HotBackup or with -OracleDriverPath), FULL or of the -Schema names, consistent as of the SCN read before it
/// (FLASHBACK_SCN), -ThrottleLimit workers; its dump files and log are written into the directory object -OracleDirectory, which must be readable from here
/// (the database host, or a share mounted at the same path), copied into the set and removed from the directory. Import-Database does not import Oracle exports. The set has a manifest with every file's SHA-256, as hot and cold sets have:
/// Get-BackupSet lists it with Kind Logical, Test-BackupSet verifies it, Remove-BackupSet removes it, and Import-Database puts it back.
/// A failed export leaves no set behind. Returns the backup set.</para>
/// </summary>
/// <example>
/// <code>Export-Database -Engine PostgreSql -ConnectionString 'Host=/run/postgresql;Database=shop' -Credential $cred -DestinationPath /backup/shop -ThrottleLimit 4</code>
/// <para>Exports the shop database with four pg_dump workers into a new set in /backup/shop.</para>
/// </example>
/// <example>
/// <code>Export-Database -Engine PostgreSql 'Host=db1;Database=shop' /backup/shop -Schema sales, 'hr*'</code>
/// <para>Exports only the sales schema and the schemas whose names begin with hr (with -Table, only the tables named; pg_dump then ignores -Schema).</para>
/// </example>
/// <example>
/// <code>Set-Location /srv/shop; Export-Database -Engine Sqlite 'Data Source=shop.db' /backup/shop</code>
/// <para>Exports /srv/shop/shop.db with VACUUM INTO while the application keeps writing.</para>
/// </example>
/// <example>
/// <code>Export-Database -Engine Sqlite 'Data Source=/srv/shop/shop.db' /backup/shop -Format SqlDump</code>
/// <para>Writes the SQL text that recreates the database (as sqlite3's .dump), readable and diffable; Import-Database runs it into a new file.</para>
/// </example>
/// <example>
/// <code>Export-Database -Engine Oracle 'Data Source=localhost:1521/ORCLPDB1' /backup/ora -Credential $dba -Schema HR, SALES -ThrottleLimit 2</code>
/// <para>Runs a Data Pump schema export of HR and SALES with two workers into DATA_PUMP_DIR, as of one SCN, and takes its files into a new set.</para>
/// </example>
/// <seealso cref="ImportDatabaseCommand"/>
/// <seealso cref="StartHotBackupCommand"/>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="RemoveBackupSetCommand"/>
[Cmdlet(VerbsData.Export, "Database", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupSet))]
[ParametersFrom(typeof(ExportDatabaseRequest), "Export-Database")]
public sealed partial class ExportDatabaseCommand : DatabaseBackupCmdletBase
{
    protected override void ProcessRecord()
    {
        if (BuildRequest() is not { } request
            || !ShouldProcess(BackupEngine.DescribeDatabase(request.Engine, request.ConnectionString), $"Export into '{request.DestinationPath}'"))
        {
            return;
        }

        request = request with
        {
            Credential = Credential?.GetNetworkCredential(),
            WorkingDirectory = CurrentDirectory,
        };
        var set = RunOperation("Export-Database", request.DestinationPath, (progress, ct) => BackupEngine.ExportDatabaseAsync(request, progress, ct));
        if (set is not null)
        {
            WriteResult(set, set.Problems);
        }
    }
}
