namespace BackupCmdlets.Engine.Archiving;

/// <summary>Which archive to extract (Expand-TarArchive), where, and how much to trust it.</summary>
public sealed partial record ExpandArchiveRequest(
    string Path,
    [property: FrontParameter("The folder to extract into; created when its parent exists.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    [FrontParameter("Extract only entries matching these glob patterns (with the folders they need).")]
    public IReadOnlyList<string> Include { get; init; } = [];

    [FrontParameter("Replace existing files (each only once its new version is complete).")]
    public bool Force { get; init; }

    [FrontParameter("Restore owners and groups (by name, else id) and setuid/setgid bits.")]
    public bool PreserveOwner { get; init; }

    [FrontParameter("Restore the extended attributes the archive holds (SCHILY.xattr.* records, as GNU tar --xattrs writes them): user.*, and as root also trusted.* and security.*. One that cannot be set is a non-terminating error (XattrsNotRestored); the entry is extracted.")]
    public bool Xattrs { get; init; }

    [FrontParameter("Restore the POSIX ACLs the archive holds (SCHILY.acl.access and SCHILY.acl.default, as GNU tar --acls writes them, or the raw system.posix_acl_* attributes). One that cannot be set is a non-terminating error (XattrsNotRestored); the entry is extracted.")]
    public bool Acls { get; init; }

    [FrontParameter("Apply the dumpdir entries of an incremental archive (New-TarArchive {SnapshotPath}, tar --listed-incremental), as tar --listed-incremental=/dev/null -x does: in each folder, whatever the archive says is gone is removed (a folder with its contents), never outside the destination and never through a symlink, and existing files are replaced. Pipe a chain in order, level 0 first.")]
    public bool Incremental { get; init; }

    [FrontParameter("Writer threads.", Minimum = 1, Maximum = 256, Default = "one per core")]
    public int? ThrottleLimit { get; init; }
}
