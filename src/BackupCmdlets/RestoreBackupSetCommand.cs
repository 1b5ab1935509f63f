using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Restores a backup set after verifying it: PostgreSQL into a new data directory with recovery from the set's WAL; SQLite back to a file.</para>
/// <para type="description">Refuses a set that is incomplete, marked failed or fails Test-BackupSet, and a non-empty destination without
/// -Force. Never writes into a data directory or tablespace location a running server owns, nor into a tablespace's original location
/// that holds files (remap it with -TablespaceMapping @{ name_or_oid = '/new/location' }). A PostgreSQL hot set recovers from its own WAL,
/// then from the WAL archive, so -RecoveryTargetTime or -RecoveryTargetLsn may lie after the set; a target the WAL at hand cannot reach is
/// refused before anything is written. The restored server archives nothing unless -ArchiveMode says otherwise. Every file restored is on
/// disk before the cmdlet returns. One set per call: restoring several into one destination would leave only the last.</para>
/// <parameter name="Path">The backup set folder to restore.</parameter>
/// <parameter name="LiteralPath">The backup set folder to restore, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Restore-BackupSet -Path /backup/pg/20260101T000000Z-postgresql-hot-a1b2c3 -DestinationPath /srv/pg-restored -RecoveryTargetTime '2026-01-01 00:05'</code>
/// <para>Restores a hot PostgreSQL set into a new data directory, set up to recover up to a point in time when the server starts.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/shop -Engine Sqlite | Select-Object -First 1 | Restore-BackupSet -DestinationPath /srv/shop/shop-restored.db</code>
/// <para>Restores the newest SQLite set to a new file.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/pg -Kind Hot | Select-Object -First 1 | Restore-BackupSet -DestinationPath /srv/pg-standin -Delta</code>
/// <para>Brings the stopped copy in /srv/pg-standin back to the newest hot set, writing only the files that differ from the set's and removing what the set does not have.</para>
/// </example>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="StartHotBackupCommand"/>
[Cmdlet(VerbsData.Restore, "BackupSet", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RestoreResult))]
[ParametersFrom(typeof(RestoreBackupSetRequest), "Restore-BackupSet")]
public sealed partial class RestoreBackupSetCommand : BackupSetInputCmdletBase
{
    private readonly List<string> _sets = [];

    /// <summary><para type="description">New locations for tablespaces, keyed by name or OID.</para></summary>
    [Parameter]
    public Hashtable? TablespaceMapping { get; set; }

    /// <summary><para type="description">The passphrase an encrypted set was made with (or -EncryptionKeyFile).</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord() =>
        _sets.AddRange(SetPaths());

    protected override void EndProcessing()
    {
        if (_sets.Count == 0 || BuildRequest(_sets[0]) is not { } request)
        {
            return;
        }

        string destination = request.DestinationPath;
        if (_sets.Count > 1)
        {
            ThrowTerminatingError(ErrorRecordFactory.Usage(
                Errors.RestoreSeveralSets,
                $"Restore-BackupSet restores one set into one destination, and {_sets.Count} were given: each would replace the one before. Choose one (Get-BackupSet ... | Select-Object -First 1 | Restore-BackupSet ...).",
                destination));
        }

        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in TablespaceMapping ?? [])
        {
            if (ResolveOutputPath(Convert.ToString(entry.Value, CultureInfo.InvariantCulture) ?? "") is not { } location)
            {
                return;
            }

            mapping[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = location;
        }

        string set = request.Path;
        if (!ShouldProcess(destination, $"Restore backup set '{set}'{(Force ? " replacing what is there" : "")}"))
        {
            return;
        }

        request = request with { TablespaceMapping = mapping, EncryptionKey = EncryptionKey, WalFetchCommand = WalFetchCommandLine.For(MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(RestoreBackupSetCommand).Assembly.Location)!) };
        var result = RunOperation("Restore-BackupSet", set, (progress, ct) => BackupEngine.RestoreBackupSetAsync(request, progress, ct));
        if (result is not null)
        {
            WriteObject(result);
        }
    }
}
