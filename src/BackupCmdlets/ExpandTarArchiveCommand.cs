using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Extracts tar archives safely: nothing is written outside the destination.</para>
/// <para type="description">Restores content, modes, nanosecond times, symlinks and hard links. Entries with absolute paths or '..',
/// or that would be written through a symlink leading out of the destination, are refused. Existing files are kept unless -Force;
/// owners and setuid/setgid bits are restored only with -PreserveOwner. Each file is written under a temporary name and renamed.
/// Writes an ExpandArchiveResult, then each refused or failed entry as a non-terminating error.</para>
/// <parameter name="Path">Archives to extract; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Archives to extract, taken exactly as written. Binds to the objects Get-ChildItem writes.</parameter>
/// </summary>
/// <example>
/// <code>Expand-TarArchive ./data.tar.gz -DestinationPath ./restore</code>
/// <para>Extracts everything into ./restore (created when missing).</para>
/// </example>
/// <example>
/// <code>Expand-TarArchive ./data.tar.gz ./restore -Include '*.conf' -Force -WhatIf</code>
/// <para>Shows what extracting only the .conf files over existing ones would do, without doing it.</para>
/// </example>
/// <seealso cref="NewTarArchiveCommand"/>
/// <seealso cref="GetTarArchiveItemCommand"/>
/// <seealso cref="TestArchiveCommand"/>
[Cmdlet(VerbsData.Expand, "TarArchive", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ExpandArchiveResult))]
public sealed class ExpandTarArchiveCommand : ArchiveInputCmdletBase
{
    /// <summary><para type="description">The folder to extract into; created when its parent exists.</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary><para type="description">Extract only entries matching these glob patterns (with the folders they need).</para></summary>
    [Parameter]
    public string[] Include { get; set; } = [];

    /// <summary><para type="description">Replace existing files.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Restore owners and groups (by name, else id) and setuid/setgid bits.</para></summary>
    [Parameter]
    public SwitchParameter PreserveOwner { get; set; }

    /// <summary><para type="description">Restore the extended attributes the archive holds (SCHILY.xattr.* records, as GNU tar --xattrs writes them): user.*, and as root also trusted.* and security.*. One that cannot be set is a non-terminating error (XattrsNotRestored); the entry is extracted.</para></summary>
    [Parameter]
    public SwitchParameter Xattrs { get; set; }

    /// <summary><para type="description">Restore the POSIX ACLs the archive holds (SCHILY.acl.access and SCHILY.acl.default, as GNU tar --acls writes them). One that cannot be set is a non-terminating error (XattrsNotRestored); the entry is extracted.</para></summary>
    [Parameter]
    public SwitchParameter Acls { get; set; }

    /// <summary><para type="description">Writer threads.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Help = "one per core")]
    public int? ThrottleLimit { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveOutputPath(DestinationPath) is not { } destination)
        {
            return;
        }

        foreach (string archive in Archives())
        {
            if (!ShouldProcess(destination, $"Extract '{archive}'{(Force ? " replacing existing files" : "")}"))
            {
                continue;
            }

            var request = new ExpandArchiveRequest(archive, destination)
            {
                Include = Include,
                Force = Force,
                PreserveOwner = PreserveOwner,
                Xattrs = Xattrs,
                Acls = Acls,
                ThrottleLimit = ThrottleLimit,
            };
            var result = RunOperation("Expand-TarArchive", archive, (progress, ct) => BackupEngine.ExpandTarArchiveAsync(request, progress, ct));
            if (result is not null)
            {
                WriteResult(result, result.Problems);
            }
        }
    }
}
