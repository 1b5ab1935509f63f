namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// What to put into a new tar archive and where. Without <see cref="BaseDirectory"/> each path is
/// stored under its own name, as <c>tar -C parent name</c> does. With it (the cmdlet and the CLI
/// pass the current location), entries are named by their path relative to it, as tar names them:
/// a path equal to it contributes its contents, and a path outside it is stored under its absolute
/// path without the leading '/'. Two different files never share an entry name.
/// </summary>
public sealed record CreateArchiveRequest(IReadOnlyList<string> Paths, string DestinationPath)
{
    /// <summary>None, GZip or BZip2; null for what the destination's name promises (<c>.tar.gz</c>: GZip), else None.</summary>
    public ArchiveCompression? Compression { get; init; }

    /// <summary>1 (fastest) to 9 (smallest); null for the codec's default (gzip 6, bzip2 9).</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Glob patterns (<c>*.tmp</c>, <c>cache/</c>, <c>**/obj</c>) matched against entry names; matches are left out.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Also write <c>DestinationPath.sha256</c> in the format <c>sha256sum -c</c> reads.</summary>
    public bool Checksum { get; init; }

    /// <summary>
    /// Replace an existing archive (it is replaced only when the new one is complete). Only a regular file
    /// is replaced: the archive is renamed over it, so a symlink, FIFO or device where the archive or its
    /// .sha256 goes is refused (DestinationNotRegularFile), with or without Force, and left as it is.
    /// </summary>
    public bool Force { get; init; }

    public string? BaseDirectory { get; init; }

    /// <summary>Store extended attributes (all but the ACLs) as SCHILY.xattr.* pax records, as <c>tar --xattrs</c> does.</summary>
    public bool Xattrs { get; init; }

    /// <summary>Store POSIX ACLs (access, and a folder's default) as SCHILY.acl.access and SCHILY.acl.default pax records, as <c>tar --acls</c> does.</summary>
    public bool Acls { get; init; }

    /// <summary>An extra filter for callers such as the database runner: false leaves the entry (and, for a folder, its contents) out.</summary>
    public Func<string, IO.FileKind, bool>? Filter { get; init; }

    /// <summary>Worker threads for compression; null for one per core.</summary>
    public int? ThrottleLimit { get; init; }

    /// <summary>Compress bzip2 with SharpZipLib even where libbz2 is present (the fallback's own test).</summary>
    internal bool ManagedBzip2 { get; init; }

    /// <summary>Called just before each file is opened; lets tests make a file vanish between scan and read.</summary>
    internal Action<string>? BeforeFileOpen { get; init; }
}
