using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Extracts tar archives safely: nothing is written outside the destination.</para>
/// <para type="description">Restores content, modes, nanosecond times, symlinks and hard links. Entries with absolute paths or '..',
/// or that would be written through a symlink leading out of the destination, are refused. Existing files are kept unless -Force;
/// owners and setuid/setgid bits are restored only with -PreserveOwner. Each file is written under a temporary name and renamed.
/// Writes an ExpandArchiveResult, then each refused or failed entry as a non-terminating error.</para>
/// <parameter name="Path">Archives to extract; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Archives to extract, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>Expand-TarArchive ./data.tar.gz -DestinationPath ./restore</code>
/// <para>Extracts everything into ./restore (created when missing).</para>
/// </example>
/// <example>
/// <code>Expand-TarArchive ./data.tar.gz ./restore -Include '*.conf' -Force -WhatIf</code>
/// <para>Shows what extracting only the .conf files over existing ones would do, without doing it.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem ./data-*.tar | Sort-Object Name | Expand-TarArchive -DestinationPath ./restore -Incremental</code>
/// <para>Restores a chain of incremental archives (New-TarArchive -SnapshotPath, or tar --listed-incremental) in order: each level replaces what changed and removes, inside ./restore only, what its dumpdirs say is gone.</para>
/// </example>
/// <seealso cref="NewTarArchiveCommand"/>
/// <seealso cref="GetTarArchiveItemCommand"/>
/// <seealso cref="TestArchiveCommand"/>
[Cmdlet(VerbsData.Expand, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ExpandArchiveResult))]
[ParametersFrom(typeof(ExpandArchiveRequest), "Expand-TarArchive")]
public sealed partial class ExpandTarArchiveCommand : ArchiveInputCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (string archive in Archives())
        {
            if (BuildRequest(archive) is not { } request)
            {
                return;
            }

            if (!ShouldProcess(request.DestinationPath, $"Extract '{archive}'{(Force || Incremental ? " replacing existing files" : "")}{(Incremental ? " and removing what its dumpdirs say is gone" : "")}"))
            {
                continue;
            }

            var result = RunOperation("Expand-TarArchive", archive, (progress, ct) => BackupEngine.ExpandTarArchiveAsync(request, progress, ct));
            if (result is not null)
            {
                WriteResult(result, result.Problems);
            }
        }
    }
}
