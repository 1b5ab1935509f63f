using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Makes a folder a mirror of another, copying only what changed (an rsync -a class sync).</para>
/// <para type="description">New and changed files are copied, unchanged ones left alone; symlinks, permissions, nanosecond modification
/// times and (as root or with -PreserveOwner) owner and group are kept; folder times are set after their contents. Large changed files
/// are sent as a block delta. Every replaced file is written under a temporary name and renamed, so an interrupted sync leaves each file
/// old or new. One source folder per call: several (piped or matched by a wildcard) are refused, since each would be mirrored over the
/// last. -WhatIf writes a "What if:" line per change and changes nothing; -PassThru also writes one SyncChange per change before the
/// SyncResult. Entries that cannot be synced are written as non-terminating errors after the result.</para>
/// <parameter name="Path">The source folder; wildcards are expanded (and must match one folder).</parameter>
/// <parameter name="LiteralPath">The source folder, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>Invoke-DeltaSync -Path /srv/data -DestinationPath /mnt/backup/data -Delete -MaxDelete 100</code>
/// <para>Mirrors /srv/data, removing what the source no longer has, but changes nothing if more than 100 entries would go (an unmounted, empty source must not wipe the mirror).</para>
/// </example>
/// <example>
/// <code>Invoke-DeltaSync /srv/data /mnt/backup/data -Exclude '*.tmp', 'cache/' -Delete -WhatIf</code>
/// <para>Lists what a sync would create, update and delete, as "What if:" lines, without changing anything.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem /srv -Directory | ForEach-Object { Invoke-DeltaSync $_.FullName (Join-Path /mnt/backup $_.Name) }</code>
/// <para>Mirrors each folder of /srv into its own folder of the backup.</para>
/// </example>
/// <example>
/// <code>Invoke-DeltaSync /srv/app /mnt/backup/app -Delete -Snapshot</code>
/// <para>Mirrors /srv/app as it was at one instant: the source is read from a read-only btrfs or LVM snapshot, taken before the scan and removed afterwards.</para>
/// </example>
/// <seealso cref="NewTarArchiveCommand"/>
[Cmdlet(VerbsLifecycle.Invoke, "DeltaSync", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(SyncResult))]
[OutputType(typeof(SyncChange))]
[ParametersFrom(typeof(SyncRequest), "Invoke-DeltaSync")]
public sealed partial class InvokeDeltaSyncCommand : PathInputCmdletBase
{
    private readonly List<string> _sources = [];

    /// <summary><para type="description">Also write one SyncChange per change before the SyncResult.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() =>
        _sources.AddRange(InputPaths());

    protected override void EndProcessing()
    {
        if (_sources.Count == 0 || BuildRequest(_sources[0]) is not { } request)
        {
            return;
        }

        string destination = request.DestinationPath;
        if (_sources.Count > 1)
        {
            ThrowTerminatingError(ErrorRecordFactory.Usage(
                Errors.SyncSeveralSources,
                $"Invoke-DeltaSync mirrors one source folder into one destination, and {_sources.Count} were given ({string.Join(", ", _sources.Take(3))}{(_sources.Count > 3 ? ", ..." : "")}): each would be mirrored over the one before. Give each source its own destination: ... | ForEach-Object {{ Invoke-DeltaSync $_.FullName (Join-Path '{DestinationPath}' $_.Name) }}.",
                destination));
        }

        string source = _sources[0];
        bool dryRun = IsWhatIf;
        if (!dryRun && !ShouldProcess(destination, $"Mirror '{source}'{(Delete ? " with deletions" : "")}"))
        {
            return;
        }

        request = request with { DryRun = dryRun };
        var result = RunOperation("Invoke-DeltaSync", source, (progress, ct) => BackupEngine.InvokeDeltaSyncAsync(request, progress, ct));
        if (result is null)
        {
            return;
        }

        foreach (var change in result.Changes)
        {
            if (dryRun)
            {
                ShouldProcess(System.IO.Path.Combine(destination, change.Path), $"{change.Action} {change.ItemType} ({change.Reason})");
            }

            if (PassThru)
            {
                WriteObject(change);
            }
        }

        if (!dryRun)
        {
            WriteResult(result, result.Problems);
        }
        else
        {
            foreach (var problem in result.Problems)
            {
                WriteError(ErrorRecordFactory.From(problem));
            }
        }
    }
}
