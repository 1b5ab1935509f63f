using System.Collections;
using System.Globalization;
using System.Management.Automation;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Restores a backup set after verifying it: PostgreSQL into a new data directory with recovery from the set's WAL; SQLite back to a file.</para>
/// <para type="description">Refuses a set that is incomplete, marked failed or fails Test-BackupSet, and a non-empty destination without -Force.
/// Tablespaces can be remapped with -TablespaceMapping @{ name_or_oid = '/new/location' }.</para>
/// </summary>
/// <example><code>Restore-BackupSet -Path /backup/pg/20260101T000000Z-postgresql-hot-a1b2c3 -DestinationPath /srv/pg-restored -RecoveryTargetTime '2026-01-01 00:05'</code></example>
[Cmdlet(VerbsData.Restore, "BackupSet", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreBackupSetCommand : PathInputCmdletBase
{
    /// <summary><para type="description">PostgreSQL: the new data directory (empty or absent). SQLite: the database file, or a folder for it.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">New locations for tablespaces, keyed by name or OID.</para></summary>
    [Parameter]
    public Hashtable? TablespaceMapping { get; set; }

    /// <summary><para type="description">Stop WAL replay at this time.</para></summary>
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
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var sets = InputPaths().ToList();
        string destination = ResolveDestinationPath(DestinationPath);
        foreach (string set in sets)
        {
            if (!ShouldProcess(destination, $"Restore backup set '{set}'"))
            {
                continue;
            }

            var request = new RestoreBackupSetRequest(set, destination)
            {
                TablespaceMapping = (TablespaceMapping ?? []).Cast<DictionaryEntry>().ToDictionary(
                    e => Convert.ToString(e.Key, CultureInfo.InvariantCulture)!,
                    e => ResolveDestinationPath(Convert.ToString(e.Value, CultureInfo.InvariantCulture)!)),
                RecoveryTargetTime = RecoveryTargetTime is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : null,
                RecoveryTargetLsn = RecoveryTargetLsn,
                Force = Force.IsPresent,
                ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : null,
            };
            var result = RunOperation("Restore backup set", set, (progress, ct) => BackupSetRestorer.RestoreAsync(request, progress, ct));
            if (result is not null)
            {
                WriteObject(result);
            }
        }
    }
}
