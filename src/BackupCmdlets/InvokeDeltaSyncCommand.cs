using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Syncing;

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
/// <seealso cref="NewTarArchiveCommand"/>
[Cmdlet(VerbsLifecycle.Invoke, "DeltaSync", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(SyncResult))]
[OutputType(typeof(SyncChange))]
public sealed class InvokeDeltaSyncCommand : PathInputCmdletBase
{
    private readonly List<string> _sources = [];

    /// <summary><para type="description">The mirror folder; created when missing.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">Remove destination entries the source no longer has.</para></summary>
    [Parameter]
    public SwitchParameter Delete { get; set; }

    /// <summary><para type="description">Change nothing when more than this many entries would be deleted (an unmounted, empty source must not wipe a backup).</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    [PSDefaultValue(Help = "no limit")]
    public int? MaxDelete { get; set; }

    /// <summary><para type="description">rsync-style patterns of entries to leave out: *.tmp, /anchored, dir/, **, dir/***.</para></summary>
    [Parameter]
    public string[] Exclude { get; set; } = [];

    /// <summary><para type="description">rsync-style patterns of entries to keep even when an exclude pattern matches them (tried first).</para></summary>
    [Parameter]
    public string[] Include { get; set; } = [];

    /// <summary><para type="description">Also delete excluded entries from the destination.</para></summary>
    [Parameter]
    public SwitchParameter DeleteExcluded { get; set; }

    /// <summary><para type="description">Compare contents instead of size and modification time.</para></summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary><para type="description">Write only the changed blocks into existing files. Not crash-safe: an interrupted sync leaves such a file part old, part new.</para></summary>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary><para type="description">Keep holes as holes, as rsync -S does: a file written anew gets no disk blocks for the source's holes nor for runs of zeros. Blocks that -InPlace writes into an existing file are written as they are.</para></summary>
    [Parameter]
    public SwitchParameter Sparse { get; set; }

    /// <summary><para type="description">Keep extended attributes, as rsync -X does: user.*, and as root also trusted.* and security.* (symlinks keep none). One that cannot be copied is a non-terminating error (SyncXattrsFailed); the entry is synced.</para></summary>
    [Parameter]
    public SwitchParameter Xattrs { get; set; }

    /// <summary><para type="description">Keep POSIX ACLs (access, and a folder's default), as rsync -A does. One that cannot be copied is a non-terminating error (SyncXattrsFailed); the entry is synced.</para></summary>
    [Parameter]
    public SwitchParameter Acls { get; set; }

    /// <summary><para type="description">Keep hard links as hard links.</para></summary>
    [Parameter]
    public SwitchParameter HardLinks { get; set; }

    /// <summary><para type="description">Keep owner and group also when not running as root (as root they are always kept).</para></summary>
    [Parameter]
    public SwitchParameter PreserveOwner { get; set; }

    /// <summary><para type="description">Parallel workers for scanning and copying.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Help = "twice the cores, at most 16")]
    public int ThrottleLimit { get; set; } = SyncRequest.DefaultThrottleLimit;

    /// <summary><para type="description">Also write one SyncChange per change before the SyncResult.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() =>
        _sources.AddRange(InputPaths());

    protected override void EndProcessing()
    {
        if (_sources.Count == 0 || ResolveOutputPath(DestinationPath) is not { } destination)
        {
            return;
        }

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

        var request = new SyncRequest(source, destination)
        {
            Delete = Delete,
            MaxDelete = MaxDelete,
            Exclude = Exclude,
            Include = Include,
            DeleteExcluded = DeleteExcluded,
            Checksum = Checksum,
            InPlace = InPlace,
            Sparse = Sparse,
            Xattrs = Xattrs,
            Acls = Acls,
            HardLinks = HardLinks,
            PreserveOwner = PreserveOwner,
            ThrottleLimit = ThrottleLimit,
            DryRun = dryRun,
        };
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
