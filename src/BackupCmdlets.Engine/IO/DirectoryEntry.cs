namespace BackupCmdlets.Engine.IO;

/// <summary>One entry of a directory listing: its name (see <see cref="FileNameEncoding"/>) and its lstat metadata.</summary>
internal sealed record DirectoryEntry(string Name, FileMetadata Metadata);
