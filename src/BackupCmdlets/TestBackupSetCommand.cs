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

    /// <summary><para type="description">Set folders; wildcards allowed. Sets piped from Get-BackupSet bind here by their Path.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    public string[]? Path { get; set; }

    /// <summary><para type="description">Set folders taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath")]
    public string[]? LiteralPath { get; set; }

    /// <summary><para type="description">How many files are hashed at the same time.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var sets = ResolveInputPaths(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet);
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
