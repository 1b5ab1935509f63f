using System.Collections;
using System.Globalization;
using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;

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
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="StartHotBackupCommand"/>
[Cmdlet(VerbsData.Restore, "BackupSet", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreBackupSetCommand : BackupSetInputCmdletBase
{
    private readonly List<string> _sets = [];

    /// <summary><para type="description">PostgreSQL: the new data directory (empty or absent). SQLite: the database file, or a folder for it.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">New locations for tablespaces, keyed by name or OID.</para></summary>
    [Parameter]
    public Hashtable? TablespaceMapping { get; set; }

    /// <summary><para type="description">Stop WAL replay at this time (a local time unless it says otherwise).</para></summary>
    [Parameter]
    public DateTime? RecoveryTargetTime { get; set; }

    /// <summary><para type="description">Stop WAL replay at this LSN (like 0/3000060).</para></summary>
    [Parameter]
    public string? RecoveryTargetLsn { get; set; }

    /// <summary><para type="description">PostgreSQL: the WAL archive recovery reads after the set's own WAL, so a recovery target may lie after the set.</para></summary>
    [Parameter]
    [PSDefaultValue(Help = "the WAL archive the set recorded when it was made")]
    public string? WalArchivePath { get; set; }

    /// <summary><para type="description">PostgreSQL: what the restored server does with its WAL: Off (archives nothing, so a copy never writes into its source's archive), Keep (the set's archive settings, for a server restored in place of the lost one) or Redirect (into -ArchivePath).</para></summary>
    [Parameter]
    public RestoreArchiveMode ArchiveMode { get; set; } = RestoreArchiveMode.Off;

    /// <summary><para type="description">PostgreSQL, with -ArchiveMode Redirect: the folder the restored server archives its WAL into.</para></summary>
    [Parameter]
    public string? ArchivePath { get; set; }

    /// <summary><para type="description">Replace the contents of a non-empty destination. Never a data directory or tablespace a running server owns.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">How many files are copied at the same time.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Help = "one per core")]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord() =>
        _sets.AddRange(SetPaths());

    protected override void EndProcessing()
    {
        if (_sets.Count == 0 || ResolveOutputPath(DestinationPath) is not { } destination)
        {
            return;
        }

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

        string? walArchive = null, archivePath = null;
        if ((WalArchivePath is not null && (walArchive = ResolveOutputPath(WalArchivePath)) is null)
            || (ArchivePath is not null && (archivePath = ResolveOutputPath(ArchivePath)) is null))
        {
            return;
        }

        string set = _sets[0];
        if (!ShouldProcess(destination, $"Restore backup set '{set}'{(Force ? " replacing what is there" : "")}"))
        {
            return;
        }

        var request = new RestoreBackupSetRequest(set, destination)
        {
            TablespaceMapping = mapping,
            RecoveryTargetTime = RecoveryTargetTime is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : null,
            RecoveryTargetLsn = RecoveryTargetLsn,
            WalArchivePath = walArchive,
            ArchiveMode = ArchiveMode,
            ArchivePath = archivePath,
            Force = Force.IsPresent,
            ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
        };
        var result = RunOperation("Restore-BackupSet", set, (progress, ct) => BackupEngine.RestoreBackupSetAsync(request, progress, ct));
        if (result is not null)
        {
            WriteObject(result);
        }
    }
}
