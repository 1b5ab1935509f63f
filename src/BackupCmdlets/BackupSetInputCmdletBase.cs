using System.Management.Automation;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>The cmdlets that take backup sets: set folders by -Path or -LiteralPath, or the BackupSet objects Get-BackupSet writes as -InputObject.</summary>
public abstract class BackupSetInputCmdletBase : PathInputCmdletBase
{
    /// <summary><para type="description">Backup sets, as Get-BackupSet, Start-HotBackup and Start-ColdBackup write them, piped in.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public BackupSet[] InputObject { get; set; } = [];

    /// <summary>The set folders of this pipeline input.</summary>
    protected IEnumerable<string> SetPaths() =>
        ParameterSetName == InputObjectSet ? InputObject.Select(s => s.Path) : InputPaths();
}
