using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Writes a POSIX tar archive of files and folders, optionally gzip, bzip2 or zstd compressed.</para>
/// <para type="description">Keeps permissions, owners, nanosecond modification times, symlinks, hard links and empty folders.
/// Entries are named by their path relative to the current location (or -RelativeBasePath), as tar names them; a path outside
/// it is stored under its absolute path without the leading '/'. Two different files never share an entry name. The compression
/// follows the destination's extension (.tar.gz, .tgz: GZip; .tar.bz2, .tbz2: BZip2; .tar.zst, .tzst: Zstd) unless -Compression
/// says otherwise, and a contradiction is refused. Zstd archives are independent frames of 4 MiB with content checksums and a seek
/// table (the zstd seekable format), which zstd -d, tar --zstd and bsdtar read; -CompressionLevel takes 1 to 19 for Zstd (default 3),
/// 1 to 9 for GZip and BZip2. The archive is written under a temporary name and renamed only when complete; compression runs on
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
/// <code>New-TarArchive ./data -DestinationPath ./data.tar.zst -CompressionLevel 9</code>
/// <para>Writes a zstd archive at level 9, its frames compressed on every core; Test-Archive and Expand-TarArchive read its frames in parallel.</para>
/// </example>
/// <example>
/// <code>New-TarArchive /srv/www -DestinationPath /backup/www.tar -RelativeBasePath /srv -Exclude '*.tmp', 'cache/'</code>
/// <para>Names the entries www/... (relative to /srv, as tar -C /srv www would), leaving out temporary files and cache folders.</para>
/// </example>
/// <example>
/// <code>New-TarArchive ./data -DestinationPath ./data-0.tar -SnapshotPath ./data.snar; New-TarArchive ./data -DestinationPath ./data-1.tar -SnapshotPath ./data.snar</code>
/// <para>A full dump, then one holding only what changed since (GNU tar's --listed-incremental; data.snar is GNU's snapshot file, format 2). Every folder gets a dumpdir listing its names, so a restore of the chain with Expand-TarArchive -Incremental, or tar --listed-incremental=/dev/null -x, removes what was deleted.</para>
/// </example>
/// <example>
/// <code>New-TarArchive /srv/mail -DestinationPath /backup/mail.tar.zst -Snapshot | Select-Object -ExpandProperty Snapshots</code>
/// <para>Reads /srv/mail (on a btrfs subvolume or an LVM logical volume) from a read-only snapshot taken just before, so the archive is one point in time while the mail server keeps writing, and shows when the snapshot was taken. The snapshot is removed afterwards, also on failure or Ctrl+C.</para>
/// </example>
/// <seealso cref="TestArchiveCommand"/>
/// <seealso cref="GetTarArchiveItemCommand"/>
/// <seealso cref="ExpandTarArchiveCommand"/>
/// <seealso cref="InvokeDeltaSyncCommand"/>
[Cmdlet(VerbsCommon.New, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ArchiveResult))]
[ParametersFrom(typeof(CreateArchiveRequest), "New-TarArchive")]
public sealed partial class NewTarArchiveCommand : PathInputCmdletBase
{
    private readonly List<string> _inputs = [];

    protected override void ProcessRecord() =>
        _inputs.AddRange(InputPaths());

    protected override void EndProcessing()
    {
        if (_inputs.Count == 0 || BuildRequest(_inputs) is not { } request)
        {
            return;
        }

        request = request with { RelativeBasePath = request.RelativeBasePath ?? CurrentDirectory };
        string destination = request.DestinationPath;
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
