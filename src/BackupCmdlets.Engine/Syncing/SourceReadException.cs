using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>A failure to open or read the source side of a transfer, so it is reported against the source.</summary>
internal sealed class SourceReadException(string sourcePath, Exception inner) : IOException(inner.Message, inner)
{
    public string SourcePath { get; } = sourcePath;

    public static SafeFileHandle Open(string path)
    {
        try
        {
            return UnixFileSystem.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SourceReadException(path, ex);
        }
    }
}
