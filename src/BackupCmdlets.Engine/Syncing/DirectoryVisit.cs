using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>A source folder the scan entered, and the destination folder it matches (null when it is created).</summary>
internal sealed record DirectoryVisit(string Path, FileMetadata Source, FileMetadata? Destination);
