using System.Management.Automation;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Writes a POSIX tar archive of files and folders, optionally gzip or bzip2 compressed.</para>
/// <para type="description">Keeps permissions, owners, nanosecond modification times, symlinks, hard links and empty folders.
/// The archive is written under a temporary name and renamed only when complete. Compression runs on every core.</para>
/// </summary>
/// <example><code>New-TarArchive -Path ./data -DestinationPath ./data.tar.gz -Compression GZip -Checksum</code></example>
/// <example><code>Get-ChildItem ./logs -Filter *.log | New-TarArchive -DestinationPath ./logs.tar.bz2 -Compression BZip2</code></example>
[Cmdlet(VerbsCommon.New, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ArchiveResult))]
public sealed class NewTarArchiveCommand : PathInputCmdletBase
{
    private readonly List<string> _inputs = [];

    /// <summary><para type="description">The archive file to write. Its folder must exist.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">None, GZip or BZip2.</para></summary>
    [Parameter]
    public ArchiveCompression Compression { get; set; } = ArchiveCompression.None;

    /// <summary><para type="description">1 (fastest) to 9 (smallest); default gzip 6, bzip2 9.</para></summary>
    [Parameter]
    [ValidateRange(1, 9)]
    public int? CompressionLevel { get; set; }

    /// <summary><para type="description">Glob patterns of names to leave out: *.tmp, cache/, **/obj.</para></summary>
    [Parameter]
    public string[] Exclude { get; set; } = [];

    /// <summary><para type="description">Also write &lt;archive&gt;.sha256, which sha256sum -c reads.</para></summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary><para type="description">Replace an existing archive (only once the new one is complete).</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Compression threads; default one per core.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? ThrottleLimit { get; set; }

    protected override void ProcessRecord() =>
        _inputs.AddRange(InputPaths());

    protected override void EndProcessing()
    {
        if (_inputs.Count == 0)
        {
            return;
        }

        string destination = ResolveDestinationPath(DestinationPath);
        if (!ShouldProcess(destination, $"Create a {Compression} tar archive of {_inputs.Count} path(s)"))
        {
            return;
        }

        var request = new CreateArchiveRequest(_inputs, destination)
        {
            Compression = Compression,
            CompressionLevel = CompressionLevel,
            Exclude = Exclude,
            Checksum = Checksum,
            Force = Force,
            ThrottleLimit = ThrottleLimit,
        };
        var result = RunOperation("New-TarArchive", destination, (progress, ct) => ArchiveWriter.CreateAsync(request, progress, ct));
        if (result is not null)
        {
            WriteProblems(result.Problems);
            WriteObject(result);
        }
    }
}
