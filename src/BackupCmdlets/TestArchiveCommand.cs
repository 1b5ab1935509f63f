using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Verifies tar archives: every header checksum, entry size, gzip CRC and bzip2 block CRC, and the .sha256 file beside it.</para>
/// <para type="description">With -Compare, also reports differences from a folder as tar -d does (missing, extra, content, size, mode, time, link target, owner).</para>
/// </summary>
/// <example><code>Get-ChildItem /backups -Filter *.tar.gz | Test-Archive | Where-Object -Not IsValid</code></example>
/// <example><code>if (-not (Test-Archive ./data.tar.gz -Quiet)) { throw 'bad backup' }</code></example>
[Cmdlet(VerbsDiagnostic.Test, "Archive", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ArchiveTestResult))]
[OutputType(typeof(bool))]
public sealed class TestArchiveCommand : PathInputCmdletBase
{
    /// <summary><para type="description">A folder to compare the entries with; entry names are relative to it.</para></summary>
    [Parameter]
    public string? Compare { get; set; }

    /// <summary><para type="description">Return only $true or $false.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        string? compare = Compare is null ? null : ResolveDestinationPath(Compare);
        foreach (string archive in InputPaths())
        {
            var request = new TestArchiveRequest(archive) { CompareDirectory = compare };
            var result = RunOperation("Test-Archive", archive, (progress, ct) => ArchiveTester.TestAsync(request, progress, ct));
            if (result is null)
            {
                continue;
            }

            foreach (var problem in result.Problems)
            {
                WriteVerbose(problem.ToString());
            }

            WriteObject(Quiet ? result.IsValid : result);
        }
    }
}
