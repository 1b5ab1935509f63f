namespace BackupCmdlets.Engine.Archiving;

/// <summary>How a tar stream is compressed.</summary>
public enum ArchiveCompression
{
    None,
    GZip,
    BZip2,
}
