using System.Management.Automation;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Verifies backup sets: every file re-hashed against the manifest, the WAL range from start to stop LSN complete.</para>
/// </summary>
/// <example><code>Get-BackupSet /backup/pg | Test-BackupSet</code></example>
[Cmdlet(VerbsDiagnostic.Test, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TestBackupSetResult))]
public sealed class TestBackupSetCommand : PathInputCmdletBase
{
    /// <summary><para type="description">How many files are hashed at the same time.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        var sets = InputPaths();
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
