namespace BackupCmdlets.Engine.IO;

/// <summary>What lstat tells about one entry: everything tar and rsync -a keep.</summary>
internal sealed record FileMetadata(
    FileKind Kind,
    int Mode,
    long UserId,
    long GroupId,
    long Size,
    UnixTime ModifiedTime,
    ulong Device,
    ulong Inode,
    long LinkCount,
    int DeviceMajor,
    int DeviceMinor)
{
    /// <summary>When the inode last changed (ctime): set by the kernel on every write and metadata change, never by a caller.</summary>
    public UnixTime ChangeTime { get; init; }

    /// <summary>The permission bits with setuid, setgid and sticky (the low 12 bits of st_mode).</summary>
    public int Permissions => Mode & 0xFFF;
}
