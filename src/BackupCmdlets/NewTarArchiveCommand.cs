using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Writes a POSIX tar archive of files and folders, optionally gzip or bzip2 compressed.</para>
/// <para type="description">Keeps permissions, owners, nanosecond modification times, symlinks, hard links and empty folders.
/// Entries are named by their path relative to the current location (or -RelativeBasePath), as tar names them; a path outside
/// it is stored under its absolute path without the leading '/'. Two different files never share an entry name. The compression
/// follows the destination's extension (.tar.gz, .tgz: GZip; .tar.bz2, .tbz2: BZip2) unless -Compression says otherwise, and a
/// contradiction is refused. The archive is written under a temporary name and renamed only when complete; compression runs on
/// every core. Files that cannot be read are left out, sockets are left out ("socket ignored"), and a file that changed while it
/// was read is stored as read and reported (SourceFileChanged), each as a non-terminating error after the result, whose Complete
/// is then false. Paths longer than PATH_MAX are archived. A destination that fills up stops the run (DestinationFull) and leaves
/// no temporary and no new file under the archive's name.</para>
/// <parameter name="Path">Files and folders to archive; wildcards are expanded. Folders are archived with everything in them.</parameter>
/// <parameter name="LiteralPath">Files and folders to archive, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>New-TarArchive -Path ./data -DestinationPath ./data.tar.gz -Checksum</code>
/// <para>Archives the folder data (entries data/...) into a gzip archive, the compression taken from the extension, and writes data.tar.gz.sha256 for sha256sum -c.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem ./logs -Recurse -Filter *.log | New-TarArchive -DestinationPath ./logs.tar.bz2</code>
/// <para>Archives every .log file under logs into one bzip2 archive; entries keep their paths (logs/a/x.log, logs/b/x.log).</para>
/// </example>
/// <example>
/// <code>New-TarArchive /srv/www -DestinationPath /backup/www.tar -RelativeBasePath /srv -Exclude '*.tmp', 'cache/'</code>
/// <para>Names the entries www/... (relative to /srv, as tar -C /srv www would), leaving out temporary files and cache folders.</para>
/// </example>
/// <seealso cref="TestArchiveCommand"/>
/// <seealso cref="GetTarArchiveItemCommand"/>
/// <seealso cref="ExpandTarArchiveCommand"/>
/// <seealso cref="InvokeDeltaSyncCommand"/>
[Cmdlet(VerbsCommon.New, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ArchiveResult))]
public sealed class NewTarArchiveCommand : PathInputCmdletBase
{
    private readonly List<string> _inputs = [];

    /// <summary><para type="description">The archive file to write. Its folder must exist.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">None, GZip or BZip2. Default: from the destination's extension (.tar.gz and .tgz: GZip; .tar.bz2, .tbz2 and .tbz: BZip2; anything else: None).</para></summary>
    [Parameter]
    [PSDefaultValue(Help = "from the destination's extension")]
    public ArchiveCompression? Compression { get; set; }

    /// <summary><para type="description">1 (fastest) to 9 (smallest).</para></summary>
    [Parameter]
    [ValidateRange(1, 9)]
    [PSDefaultValue(Help = "gzip 6, bzip2 9")]
    public int? CompressionLevel { get; set; }

    /// <summary><para type="description">Glob patterns of entry names to leave out: *.tmp, cache/, **/obj.</para></summary>
    [Parameter]
    public string[] Exclude { get; set; } = [];

    /// <summary><para type="description">Entry names are relative to this folder instead of the current location, as tar -C names them.</para></summary>
    [Parameter]
    [PSDefaultValue(Help = "the current location")]
    public string? RelativeBasePath { get; set; }

    /// <summary><para type="description">Also write &lt;archive&gt;.sha256, which sha256sum -c reads.</para></summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary><para type="description">Also store extended attributes (all but the ACLs) as SCHILY.xattr.* pax records, as tar --xattrs does; GNU tar --xattrs restores them.</para></summary>
    [Parameter]
    public SwitchParameter Xattrs { get; set; }

    /// <summary><para type="description">Also store POSIX ACLs (a file's access ACL, a folder's default ACL) as SCHILY.acl.access and SCHILY.acl.default pax records, as tar --acls does; GNU tar --acls restores them.</para></summary>
    [Parameter]
    public SwitchParameter Acls { get; set; }

    /// <summary><para type="description">Replace an existing archive (only once the new one is complete). Only a regular file is replaced: a destination (or, with -Checksum, a .sha256) that is a symlink, a FIFO or a device is refused with DestinationNotRegularFile, with or without -Force, and left as it is.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Compression threads.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Help = "one per core")]
    public int? ThrottleLimit { get; set; }

    protected override void ProcessRecord() =>
        _inputs.AddRange(InputPaths());

    protected override void EndProcessing()
    {
        if (_inputs.Count == 0 || ResolveOutputPath(DestinationPath) is not { } destination)
        {
            return;
        }

        string? baseDirectory = RelativeBasePath is null ? CurrentDirectory : ResolveOutputPath(RelativeBasePath);
        if (baseDirectory is null)
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
            Xattrs = Xattrs,
            Acls = Acls,
            BaseDirectory = baseDirectory,
            ThrottleLimit = ThrottleLimit,
        };
        string what = Compression is { } c ? $"{c} " : "";
        if (!ShouldProcess(destination, $"Create {what}tar archive of {_inputs.Count} path(s)"))
        {
            return;
        }

        var result = RunOperation("New-TarArchive", destination, (progress, ct) => BackupEngine.NewTarArchiveAsync(request, progress, ct));
        if (result is not null)
        {
            WriteResult(result, result.Problems);
        }
    }
}
