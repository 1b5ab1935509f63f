using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Sees the content of one file as the archive engine reads it for the tar, for a caller that checks it
/// on the way (the database runner's block checks), so that the file is read once.
/// </summary>
internal interface IEntryContentInspector
{
    /// <summary>
    /// The next bytes read of the file, from <paramref name="offset"/>, in order; <paramref name="file"/> is
    /// the handle they were read from, for a re-read. What the inspector leaves in <paramref name="content"/>
    /// is what the tar stores.
    /// </summary>
    void Inspect(SafeFileHandle file, Span<byte> content, long offset);
}
