namespace BackupCmdlets.Engine.Archiving;

/// <summary>Which archive to extract, where, and how much to trust it.</summary>
public sealed record ExpandArchiveRequest(string Path, string DestinationPath)
{
    /// <summary>Glob patterns; when given, only matching entries are extracted (with the folders they need).</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Replace existing files (each is replaced only once its new version is complete).</summary>
    public bool Force { get; init; }

    /// <summary>Restore owners and groups (by name, else by id) and setuid/setgid bits.</summary>
    public bool PreserveOwner { get; init; }

    /// <summary>Restore the extended attributes an archive holds (SCHILY.xattr.*): user.*, and as root also trusted.* and security.*.</summary>
    public bool Xattrs { get; init; }

    /// <summary>Restore the POSIX ACLs an archive holds (SCHILY.acl.access and .default, or the raw system.posix_acl_* attributes).</summary>
    public bool Acls { get; init; }

    public int? ThrottleLimit { get; init; }
}
