using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// The cmdlets that read archives: -Path, -LiteralPath, or the ArchiveResult New-TarArchive writes
/// (<c>New-TarArchive ... | Test-Archive</c>) as -InputObject.
/// </summary>
public abstract class ArchiveInputCmdletBase : PathInputCmdletBase
{
    /// <summary><para type="description">Archives written by New-TarArchive, piped in.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public ArchiveResult[] InputObject { get; set; } = [];

    /// <summary>The archives of this pipeline input.</summary>
    protected IEnumerable<string> Archives() =>
        ParameterSetName == InputObjectSet ? InputObject.Select(a => a.Path) : InputPaths();
}
