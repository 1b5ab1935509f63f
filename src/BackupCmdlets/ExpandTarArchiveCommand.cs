using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Extracts tar archives safely: nothing is written outside the destination.</para>
/// <para type="description">Restores content, modes, nanosecond times, symlinks and hard links. Entries with absolute paths or '..',
/// or that would be written through a symlink leading out of the destination, are refused. Existing files are kept unless -Force;
/// owners and setuid/setgid bits are restored only with -PreserveOwner. Each file is written under a temporary name and renamed.</para>
/// </summary>
/// <example><code>Expand-TarArchive ./data.tar.gz -DestinationPath ./restore</code></example>
/// <example><code>Expand-TarArchive ./data.tar.gz ./restore -Include '*.conf' -WhatIf</code></example>
[Cmdlet(VerbsData.Expand, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ExpandArchiveResult))]
public sealed class ExpandTarArchiveCommand : PathInputCmdletBase
{
    /// <summary><para type="description">The folder to extract into; created when its parent exists.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">Extract only entries matching these glob patterns.</para></summary>
    [Parameter]
    public string[] Include { get; set; } = [];

    /// <summary><para type="description">Replace existing files.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Restore owners and groups (by name, else id) and setuid/setgid bits.</para></summary>
    [Parameter]
    public SwitchParameter PreserveOwner { get; set; }

    /// <summary><para type="description">Writer threads; default one per core.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        string destination = ResolveDestinationPath(DestinationPath);
        foreach (string archive in InputPaths())
        {
            if (!ShouldProcess(destination, $"Extract '{archive}'"))
            {
                continue;
            }

            var request = new ExpandArchiveRequest(archive, destination)
            {
                Include = Include,
                Force = Force,
                PreserveOwner = PreserveOwner,
                ThrottleLimit = ThrottleLimit,
            };
            var result = RunOperation("Expand-TarArchive", archive, (progress, ct) => ArchiveExtractor.ExpandAsync(request, progress, ct));
            if (result is not null)
            {
                WriteProblems(result.Problems);
                WriteObject(result);
            }
        }
    }
}
