namespace BackupCmdlets.Engine.Archiving;

/// <summary>How a tar stream is compressed. Xz is read, not written.</summary>
public enum ArchiveCompression
{
    None,
    GZip,
    BZip2,
    Xz,
    Zstd,
}
