using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// A file-system entry to archive: where it is and the header it gets. An entry whose content may be
/// read (a file, or a hard link that may have to hold the content itself) keeps a handle of its folder,
/// so it is opened by one name relative to it, however long its path; dispose it once written.
/// </summary>
internal sealed class SourceEntry(string fullPath, TarEntryHeader header, DirectoryHandle? folder = null, string name = "", long linkCount = 1) : IDisposable
{
    public string FullPath { get; } = fullPath;

    public TarEntryHeader Header { get; } = header;

    /// <summary>Names the file had when scanned: with more than one, the writer remembers where its content went.</summary>
    public long LinkCount { get; } = linkCount;

    /// <summary>Opens the file for reading by its name in its folder (no symlink followed, never blocking on a FIFO).</summary>
    public SafeFileHandle Open() =>
        folder is not null ? folder.OpenFile(name) : throw new InvalidOperationException($"'{FullPath}' is not an entry with content.");

    public void Dispose() => folder?.Dispose();
}
