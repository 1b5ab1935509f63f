using System.Management.Automation;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Verifies backup sets: every file re-hashed against the manifest, the WAL range from start to stop LSN complete.</para>
/// <example><code>Get-BackupSet /backup/pg | Test-BackupSet</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TestBackupSetResult))]
public sealed class TestBackupSetCommand : BackupCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    /// <summary><para type="description">Set folders; wildcards allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    public string[]? Path { get; set; }

    /// <summary><para type="description">Set folders taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath")]
    public string[]? LiteralPath { get; set; }

    /// <summary><para type="description">Sets from Get-BackupSet or Start-HotBackup.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public BackupSet[]? InputObject { get; set; }

    /// <summary><para type="description">How many files are hashed at the same time.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var sets = ParameterSetName == InputObjectSet
            ? (InputObject ?? []).Select(s => s.Path)
            : ResolveInputPaths(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet);
        foreach (string set in sets)
        {
            var result = RunOperation("Test backup set", set, (progress, ct) => BackupSetVerifier.TestAsync(set, ThrottleLimit > 0 ? ThrottleLimit : null, progress, ct));
            if (result is not null)
            {
                WriteProblems(result.Problems);
                WriteObject(result);
            }
        }
    }
}
