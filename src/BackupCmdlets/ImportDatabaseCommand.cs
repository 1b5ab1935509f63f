using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Imports an export (a logical set made by Export-Database) into a new or empty database, after verifying the set.</para>
/// <para type="description">Refuses a set that is incomplete, marked failed or fails Test-BackupSet, a hot or cold set (Restore-BackupSet
/// puts those back), and a target that is not empty unless -Force is given. PostgreSQL: pg_restore of the server's major version (or
/// newer) loads the export with -ThrottleLimit workers into the database the connection string names, creating it when it does not
/// exist; -Clean drops each object of the export first (pg_restore --clean --if-exists); the import stops at the first error. The
/// password reaches pg_restore through a private password file, never its command line. SQLite: the exported file becomes the
/// Data Source file, replacing a non-empty one only with -Force, and is integrity-checked. Importing is high impact, so the cmdlet asks
/// first; -Force (or -Confirm:$false) runs it unattended. One set per call.</para>
/// <parameter name="Path">The logical set folder to import.</parameter>
/// <parameter name="LiteralPath">The logical set folder to import, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Get-BackupSet /backup/shop -Kind Logical | Select-Object -First 1 | Import-Database -ConnectionString 'Host=/run/postgresql;Database=shop_copy' -ThrottleLimit 4</code>
/// <para>Imports the newest export into shop_copy (created when missing) with four pg_restore workers, after confirming.</para>
/// </example>
/// <example>
/// <code>Import-Database /backup/shop/20260101T000000Z-postgresql-logical-a1b2c3 'Host=db2;Database=shop' -Credential $cred -Clean -Force</code>
/// <para>Drops the export's objects from shop on db2 and creates them again with their rows, unattended.</para>
/// </example>
/// <example>
/// <code>Import-Database /backup/shop/20260101T000000Z-sqlite-logical-a1b2c3 'Data Source=/srv/shop/shop-copy.db' -Confirm:$false</code>
/// <para>Writes the exported SQLite database to a new file.</para>
/// </example>
/// <seealso cref="ExportDatabaseCommand"/>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
[Cmdlet(VerbsData.Import, "Database", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ImportResult))]
[ParametersFrom(typeof(ImportDatabaseRequest), "Import-Database")]
public sealed partial class ImportDatabaseCommand : BackupSetInputCmdletBase
{
    private readonly List<string> _sets = [];

    /// <summary><para type="description">User name and password for the target connection; never written to a command line, a message or an error.</para></summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    protected override void ProcessRecord() =>
        _sets.AddRange(SetPaths());

    protected override void EndProcessing()
    {
        if (_sets.Count == 0 || BuildRequest(_sets[0]) is not { } request)
        {
            return;
        }

        if (_sets.Count > 1)
        {
            ThrowTerminatingError(ErrorRecordFactory.Usage(
                Errors.RestoreSeveralSets,
                $"Import-Database imports one set into one database, and {_sets.Count} were given. Choose one (Get-BackupSet ... -Kind Logical | Select-Object -First 1 | Import-Database ...).",
                request.Path));
        }

        string target = (request.Engine ?? EngineOf(request.Path)) is { } engine
            ? BackupEngine.DescribeDatabase(engine, request.ConnectionString)
            : "the database of the connection string";
        if (!ShouldProcessOrForce(target, $"Import the export '{request.Path}'{(Clean ? ", dropping its objects first" : "")}", Force))
        {
            return;
        }

        request = request with
        {
            Credential = Credential?.GetNetworkCredential(),
            WorkingDirectory = CurrentDirectory,
        };
        var result = RunOperation("Import-Database", request.Path, (progress, ct) => BackupEngine.ImportDatabaseAsync(request, progress, ct));
        if (result is not null)
        {
            WriteObject(result);
        }
    }

    /// <summary>The engine of the set, for the confirmation's target; null when the set cannot be read (the import then says why).</summary>
    private static DatabaseEngine? EngineOf(string setPath)
    {
        try
        {
            return BackupEngine.GetBackupSet(new Engine.Catalog.GetBackupSetRequest(setPath)) is [var set] ? set.Engine : null;
        }
        catch (BackupException)
        {
            return null;
        }
    }
}
