using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Verifies tar archives: every header checksum, entry size, gzip CRC, bzip2 block CRC, xz check and zstd content checksum, and the .sha256 file beside it.</para>
/// <para type="description">Reads every byte through decompression. Writes one ArchiveTestResult per archive, then each problem found as a
/// non-terminating error with its id (ArchiveCorrupt, ArchiveTruncated, HeaderChecksumMismatch, ChecksumFileMismatch, ...): the result
/// always comes out, -ErrorAction Stop turns the first problem into an exception, -ErrorVariable collects them all. With -Compare, also
/// reports differences from a folder as tar -d does (missing, extra, content, size, mode, time, link target, owner). -Quiet answers
/// only $true or $false for each archive and writes none of its problems as errors.</para>
/// <parameter name="Path">Archives to verify; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Archives to verify, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>Get-ChildItem /backups -Filter *.tar.gz | Test-Archive -ErrorAction SilentlyContinue | Where-Object -Not IsValid</code>
/// <para>Finds every damaged archive in a folder.</para>
/// </example>
/// <example>
/// <code>if (-not (Test-Archive ./data.tar.gz -Quiet)) { throw 'bad backup' }</code>
/// <para>Uses the verdict in a script.</para>
/// </example>
/// <example>
/// <code>New-TarArchive ./data ./data.tar.gz | Test-Archive -Compare . -ErrorAction Stop</code>
/// <para>Verifies an archive just written against the tree it came from, stopping at the first difference.</para>
/// </example>
/// <seealso cref="NewTarArchiveCommand"/>
/// <seealso cref="GetTarArchiveItemCommand"/>
/// <seealso cref="ExpandTarArchiveCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "Archive", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ArchiveTestResult))]
[OutputType(typeof(bool))]
[ParametersFrom(typeof(TestArchiveRequest), "Test-Archive")]
public sealed partial class TestArchiveCommand : ArchiveInputCmdletBase
{
    /// <summary><para type="description">Answer only $true (valid) or $false for each archive, without writing its problems as errors.</para></summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string archive in Archives())
        {
            if (BuildRequest(archive) is not { } request)
            {
                return;
            }

            if (Quiet)
            {
                var verdict = RunOperation("Test-Archive", (progress, ct) => BackupEngine.TestArchiveAsync(request, progress, ct), out var failure);
                if (failure is not null)
                {
                    WriteVerbose(failure.Message);
                }

                WriteObject(verdict?.IsValid == true);
                continue;
            }

            var result = RunOperation("Test-Archive", archive, (progress, ct) => BackupEngine.TestArchiveAsync(request, progress, ct));
            if (result is not null)
            {
                WriteResult(result, result.Problems);
            }
        }
    }
}
