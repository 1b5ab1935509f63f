using System.Management.Automation;

namespace BackupCmdlets;

/// <summary>
/// The -Path / -LiteralPath pair every cmdlet that reads files takes: -Path expands wildcards and
/// takes strings from the pipeline; -LiteralPath (alias PSPath) takes names as written and binds to
/// the PSPath of piped file objects, so <c>Get-ChildItem | cmdlet</c> works with any name.
/// </summary>
public abstract class PathInputCmdletBase : BackupCmdletBase
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary><para type="description">Paths to process; wildcards are expanded.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary><para type="description">Paths to process, taken exactly as written (no wildcards).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The file-system paths of this pipeline input; those not found are written as errors.</summary>
    protected IEnumerable<string> InputPaths() =>
        ParameterSetName == LiteralPathSet ? ResolveInputPaths(LiteralPath, literal: true) : ResolveInputPaths(Path, literal: false);
}
