using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the entries of tar archives (plain, gzip or bzip2, told from the content).</para>
/// </summary>
/// <example><code>Get-TarArchiveItem ./data.tar.gz | Where-Object Size -gt 1MB</code></example>
[Cmdlet(VerbsCommon.Get, "TarArchiveItem", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TarArchiveItem))]
public sealed class GetTarArchiveItemCommand : BackupCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary><para type="description">Archives to list; wildcards are expanded.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary><para type="description">Archives to list, taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string archive in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            var listing = RunOperation("Get-TarArchiveItem", archive, (progress, ct) => ArchiveReader.ListAsync(new ListArchiveRequest(archive), progress, ct));
            if (listing is not null)
            {
                WriteObject(listing.Items, enumerateCollection: true);
            }
        }
    }
}
