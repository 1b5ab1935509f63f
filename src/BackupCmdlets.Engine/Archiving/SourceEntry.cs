using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>A file-system entry to archive: where it is and the header it gets.</summary>
internal sealed record SourceEntry(string FullPath, TarEntryHeader Header);
