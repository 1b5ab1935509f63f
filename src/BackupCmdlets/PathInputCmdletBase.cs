using System.Management.Automation;

namespace BackupCmdlets;

/// <summary>
/// The -Path / -LiteralPath pair every cmdlet that reads files takes, bound from the pipeline as
/// Get-Item binds them: strings to -Path; objects with a Path property to -Path by property name;
/// file objects (their PSPath) and rows with FullName to -LiteralPath, which takes names as written.
/// What each cmdlet's -Path names (an archive, a repository, a set, a source folder) its help says.
/// </summary>
public abstract class PathInputCmdletBase : BackupCmdletBase
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";
    protected const string InputObjectSet = "InputObject";

    /// <summary><para type="description">Paths to read; wildcards are expanded.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary><para type="description">Paths to read, taken exactly as written (no wildcards).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The file-system paths of this pipeline input; those not found are written as errors.</summary>
    protected IEnumerable<string> InputPaths() =>
        ParameterSetName == LiteralPathSet ? ResolveInputPaths(LiteralPath, literal: true) : ResolveInputPaths(Path, literal: false);
}
