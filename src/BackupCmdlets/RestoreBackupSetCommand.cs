using System.Collections;
using System.Globalization;
using System.Management.Automation;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Restores a backup set after verifying it: PostgreSQL into a new data directory with recovery from the set's WAL; SQLite back to a file.</para>
/// <para type="description">Refuses a set that is incomplete, marked failed or fails Test-BackupSet, and a non-empty destination without
/// -Force. Tablespaces can be remapped with -TablespaceMapping @{ name_or_oid = '/new/location' }. One set per call: restoring several into
/// one destination would leave only the last.</para>
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

    /// <summary><para type="description">Replace the contents of a non-empty destination.</para></summary>
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
                "RestoreSeveralSets",
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
            Force = Force.IsPresent,
            ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
        };
        var result = RunOperation("Restore-BackupSet", set, (progress, ct) => BackupSetRestorer.RestoreAsync(request, progress, ct));
        if (result is not null)
        {
            WriteObject(result);
        }
    }
}
