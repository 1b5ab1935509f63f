namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// What to put into a new tar archive and where (New-TarArchive). Without <see cref="RelativeBasePath"/>
/// each path is stored under its own name, as <c>tar -C parent name</c> does. With it (the cmdlet and the
/// CLI pass the current location when it is not given), entries are named by their path relative to it,
/// as tar names them: a path equal to it contributes its contents, and a path outside it is stored under
/// its absolute path without the leading '/'. Two different files never share an entry name.
/// </summary>
public sealed partial record CreateArchiveRequest(
    IReadOnlyList<string> Paths,
    [property: FrontParameter("The archive file to write. Its folder must exist.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    [FrontParameter(
        "None, GZip, BZip2 or Zstd. By default what the destination's extension says: .tar.gz and .tgz GZip; .tar.bz2, .tbz2 and .tbz BZip2; .tar.zst and .tzst Zstd; anything else None. A compression that contradicts the extension is refused. Zstd is written as independent frames of 4 MiB with content checksums and a seek table (the zstd seekable format), which zstd, tar --zstd and bsdtar read.",
        Default = "from the destination's extension",
        AllowedNames = [nameof(ArchiveCompression.None), nameof(ArchiveCompression.GZip), nameof(ArchiveCompression.BZip2), nameof(ArchiveCompression.Zstd)])]
    public ArchiveCompression? Compression { get; init; }

    [FrontParameter("1 (fastest) to 9 (smallest) for GZip and BZip2, 1 to 19 for Zstd.", Minimum = 1, Maximum = 19, Default = "gzip 6, bzip2 9, zstd 3")]
    public int? CompressionLevel { get; init; }

    [FrontParameter("Glob patterns of entry names to leave out: *.tmp, cache/, **/obj.")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [FrontParameter("Entry names are relative to this folder instead of the current location, as tar -C names them.", Default = "the current location", IsPath = true)]
    public string? RelativeBasePath { get; init; }

    [FrontParameter("Also write <archive>.sha256, which sha256sum -c reads.")]
    public bool Checksum { get; init; }

    [FrontParameter("Also store extended attributes (all but the ACLs) as SCHILY.xattr.* pax records, as tar --xattrs does; GNU tar --xattrs restores them.")]
    public bool Xattrs { get; init; }

    [FrontParameter("Also store POSIX ACLs (a file's access ACL, a folder's default ACL) as SCHILY.acl.access and SCHILY.acl.default pax records, as tar --acls does; GNU tar --acls restores them.")]
    public bool Acls { get; init; }

    [FrontParameter("Replace an existing archive (only once the new one is complete). Only a regular file is replaced: a destination (or, with {Checksum}, a .sha256) that is a symlink, a FIFO or a device is refused with DestinationNotRegularFile, with or without {Force}, and left as it is.")]
    public bool Force { get; init; }

    [FrontParameter("A GNU tar snapshot file (format 2, as tar --listed-incremental keeps it): when it is missing or empty the archive is a full (level 0) dump, else it holds only what changed since the run that wrote it, with a dumpdir entry per folder listing the names present; it is replaced once the archive is complete. Snapshot files are interchangeable with GNU tar's when entries are named alike (tar -C folder . for a path equal to {RelativeBasePath}).", IsPath = true)]
    public string? SnapshotPath { get; init; }

    [FrontParameter("With {SnapshotPath}: a folder whose device number changed (NFS, LVM snapshots) is not taken for a new folder, as tar --no-check-device.")]
    public bool NoCheckDevice { get; init; }

    [FrontParameter("Read the sources from read-only snapshots of their volumes (btrfs subvolumes, LVM logical volumes), taken one right after the other before reading and always removed afterwards, so the archive is one consistent point-in-time image while applications keep writing. Entry names stay the live ones; the result lists each snapshot with its time. A source on another file system, or holding another mount or subvolume, is refused before anything is taken. With {SnapshotPath} it implies {NoCheckDevice}, since each snapshot is a device of its own.")]
    public bool Snapshot { get; init; }

    [FrontParameter("Compression threads.", Minimum = 1, Maximum = 256, Default = "one per core")]
    public int? ThrottleLimit { get; init; }

    /// <summary>An extra filter for callers such as the database runner: false leaves the entry (and, for a folder, its contents) out.</summary>
    public Func<string, IO.FileKind, bool>? Filter { get; init; }

    /// <summary>What sees the content stored of a file, by its entry name (the database runner checks blocks as they pass); null for none.</summary>
    internal Func<string, IEntryContentInspector?>? InspectContent { get; init; }

    /// <summary>Where a given path is read from instead of itself (its place in a snapshot); entry names and problems keep the given path.</summary>
    internal Func<string, string>? ReadFrom { get; init; }

    /// <summary>Live paths the walk leaves out besides the archive itself (other runs' snapshots, seen in this run's as empty folders).</summary>
    internal IReadOnlyList<string> SkipPaths { get; init; } = [];

    /// <summary>Compress bzip2 with SharpZipLib even where libbz2 is present (the fallback's own test).</summary>
    internal bool ManagedBzip2 { get; init; }

    /// <summary>Called just before each file is opened; lets tests make a file vanish between scan and read.</summary>
    internal Action<string>? BeforeFileOpen { get; init; }
}
