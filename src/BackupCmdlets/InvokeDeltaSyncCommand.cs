using System.Management.Automation;
using BackupCmdlets.Engine.Syncing;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Makes a folder a mirror of another, copying only what changed (an rsync -a class sync).</para>
/// <para type="description">New and changed files are copied, unchanged ones left alone; symlinks, permissions,
/// nanosecond modification times and (as root or with -PreserveOwner) owner and group are kept. Large changed
/// files are sent as a block delta. Every replaced file is written under a temporary name and renamed, so an
/// interrupted sync leaves each file old or new. -WhatIf lists the changes; -PassThru also writes them.</para>
/// </summary>
/// <example><code>Invoke-DeltaSync -Path /srv/data -DestinationPath /mnt/backup/data -Delete -MaxDelete 100</code></example>
[Cmdlet(VerbsLifecycle.Invoke, "DeltaSync", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(SyncResult), typeof(SyncChange))]
public sealed class InvokeDeltaSyncCommand : BackupCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The source folder (wildcards allowed; must name one folder).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>The source folder, taken as written.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The mirror folder; created when missing.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary>Remove destination entries the source no longer has.</summary>
    [Parameter]
    public SwitchParameter Delete { get; set; }

    /// <summary>Change nothing when more than this many entries would be deleted.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxDelete { get; set; }

    /// <summary>rsync-style patterns of entries to leave out: *.tmp, /anchored, dir/, **.</summary>
    [Parameter]
    public string[] Exclude { get; set; } = [];

    /// <summary>rsync-style patterns of entries to keep even when an exclude pattern matches them.</summary>
    [Parameter]
    public string[] Include { get; set; } = [];

    /// <summary>Also delete excluded entries from the destination.</summary>
    [Parameter]
    public SwitchParameter DeleteExcluded { get; set; }

    /// <summary>Compare contents instead of size and modification time.</summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary>Write only the changed blocks into existing files. Not crash-safe: an interrupted sync leaves such a file part old, part new.</summary>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary>Keep hard links as hard links.</summary>
    [Parameter]
    public SwitchParameter HardLinks { get; set; }

    /// <summary>Keep owner and group also when not running as root.</summary>
    [Parameter]
    public SwitchParameter PreserveOwner { get; set; }

    /// <summary>Parallel workers for scanning and copying (default: twice the cores, at most 16).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = DeltaSync.DefaultThrottleLimit;

    /// <summary>Also write one object per change before the summary.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string destination = ResolveDestinationPath(DestinationPath);
        foreach (string source in ResolveInputPaths(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
        {
            bool dryRun = !ShouldProcess(destination, $"Mirror '{source}'{(Delete ? " with deletions" : "")}");
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
            if (dryRun && !IsWhatIf)
            {
                continue; // Declined at a -Confirm prompt: not even a dry run.
            }

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
