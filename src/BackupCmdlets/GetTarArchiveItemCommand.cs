using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the entries of tar archives (plain, gzip or bzip2, told from the content).</para>
/// </summary>
/// <example><code>Get-TarArchiveItem ./data.tar.gz | Where-Object Size -gt 1MB</code></example>
[Cmdlet(VerbsCommon.Get, "TarArchiveItem", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TarArchiveItem))]
public sealed class GetTarArchiveItemCommand : PathInputCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (string archive in InputPaths())
        {
            var listing = RunOperation("Get-TarArchiveItem", archive, (progress, ct) => ArchiveReader.ListAsync(new ListArchiveRequest(archive), progress, ct));
            if (listing is not null)
            {
                WriteObject(listing.Items, enumerateCollection: true);
            }
        }
    }
}
