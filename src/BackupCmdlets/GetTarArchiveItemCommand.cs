using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the entries of tar archives (plain, gzip, bzip2, xz or zstd, told from the content), as tar -tv does.</para>
/// <para type="description">Writes one TarArchiveItem per entry, in archive order: name, type, size, mode (octal, and as ls -l shows it),
/// owner, group, modification time (UTC), link target and the offset of the entry's header. Nothing is extracted.</para>
/// <parameter name="Path">Archives to list; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Archives to list, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>Get-TarArchiveItem ./data.tar.gz | Where-Object Size -gt 1MB | Select-Object Name, Size</code>
/// <para>Shows the entries larger than 1 MB.</para>
/// </example>
/// <example>
/// <code>New-TarArchive ./data ./data.tar | Get-TarArchiveItem | Export-Csv ./data-contents.csv</code>
/// <para>Lists the archive just written and keeps its table of contents as CSV.</para>
/// </example>
/// <seealso cref="NewTarArchiveCommand"/>
/// <seealso cref="TestArchiveCommand"/>
/// <seealso cref="ExpandTarArchiveCommand"/>
[Cmdlet(VerbsCommon.Get, "TarArchiveItem", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TarArchiveItem))]
[ParametersFrom(typeof(ListArchiveRequest), "Get-TarArchiveItem")]
public sealed partial class GetTarArchiveItemCommand : ArchiveInputCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (string archive in Archives())
        {
            if (BuildRequest(archive) is not { } request)
            {
                return;
            }

            var listing = RunOperation("Get-TarArchiveItem", archive, (progress, ct) => BackupEngine.GetTarArchiveItemAsync(request, progress, ct));
            if (listing is not null)
            {
                WriteObject(listing.Items, enumerateCollection: true);
            }
        }
    }
}
