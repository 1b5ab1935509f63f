namespace BackupCmdlets.Engine.Archiving;

/// <summary>The entries of an archive, in archive order.</summary>
public sealed record ArchiveListing(string Path, ArchiveCompression Compression, IReadOnlyList<TarArchiveItem> Items);
