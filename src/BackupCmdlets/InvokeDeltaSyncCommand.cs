using System.Management.Automation;
using BackupCmdlets.Engine.Syncing;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Makes a folder a mirror of another, copying only what changed (an rsync -a class sync).</para>
/// <para type="description">New and changed files are copied, unchanged ones left alone; symlinks, permissions, nanosecond modification times and (as root or with -PreserveOwner) owner and group are kept; folder times are set after their contents. Large changed files are sent as a block delta. Every replaced file is written under a temporary name and renamed, so an interrupted sync leaves each file old or new. -WhatIf lists the changes; -PassThru also writes them. -Path names the source folder.</para>
/// </summary>
/// <example><code>Invoke-DeltaSync -Path /srv/data -DestinationPath /mnt/backup/data -Delete -MaxDelete 100</code></example>
/// <example><code>Invoke-DeltaSync /srv/data /mnt/backup/data -Exclude '*.tmp', 'cache/' -WhatIf | Where-Object Action -eq Delete</code></example>
[Cmdlet(VerbsLifecycle.Invoke, "DeltaSync", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(SyncResult))]
[OutputType(typeof(SyncChange))]
public sealed class InvokeDeltaSyncCommand : PathInputCmdletBase
{
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

    /// <summary><para type="description">Keep hard links as hard links.</para></summary>
    [Parameter]
    public SwitchParameter HardLinks { get; set; }

    /// <summary><para type="description">Keep owner and group also when not running as root (as root they are always kept).</para></summary>
    [Parameter]
    public SwitchParameter PreserveOwner { get; set; }

    /// <summary><para type="description">Parallel workers for scanning and copying (default: twice the cores, at most 16).</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = DeltaSync.DefaultThrottleLimit;

    /// <summary><para type="description">Also write one object per change before the summary.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string destination = ResolveDestinationPath(DestinationPath);
        foreach (string source in InputPaths())
        {
            bool dryRun = !ShouldProcess(destination, $"Mirror '{source}'{(Delete ? " with deletions" : "")}");
            if (dryRun && !IsWhatIf)
            {
                continue; // Declined at a -Confirm prompt: not even a dry run.
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
                HardLinks = HardLinks,
                PreserveOwner = PreserveOwner,
                ThrottleLimit = ThrottleLimit,
                DryRun = dryRun,
            };
            var result = RunOperation(DeltaSync.Activity, source, (progress, ct) => DeltaSync.RunAsync(request, progress, ct));
            if (result is null)
            {
                continue;
            }

            WriteProblems(result.Problems);
            if (PassThru || dryRun)
            {
                foreach (var change in result.Changes)
                {
                    WriteObject(change);
                }
            }

            WriteObject(result);
        }
    }
}
