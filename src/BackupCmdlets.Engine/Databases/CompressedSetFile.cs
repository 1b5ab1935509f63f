using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A file of a compressed Plain set (<see cref="ZstdSeekableWriter"/>) read back: in order, or at any
/// offset through its seek table, each frame checked by its zstd checksum as it is decoded. A file whose
/// table does not agree with it, or a frame that does not decode, is a BackupSetFileChanged error.
/// </summary>
internal sealed class CompressedSetFile : IPositionedReader
{
    private readonly SafeFileHandle _file;
    private readonly ZstdSeekableStream _stream;
    private readonly string _path;

    private CompressedSetFile(SafeFileHandle file, ZstdSeekableStream stream, string path)
    {
        _file = file;
        _stream = stream;
        _path = path;
    }

    public long Length => _stream.Length;

    /// <param name="fullPath">The file on disk.</param>
    /// <param name="path">The file's path in its set, for messages.</param>
    public static CompressedSetFile Open(string fullPath, string path)
    {
        var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            var stream = ZstdSeekableStream.TryOpen(handle, RandomAccess.GetLength(handle))
                ?? throw Damaged(path, "it has no zstd seek table that agrees with it");
            return new CompressedSetFile(handle, stream, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The content from the start, as a stream that reports damage as this class does.</summary>
    public Stream AsStream() => new PositionedReaderStream(this);

    public int Read(Span<byte> buffer, long offset)
    {
        try
        {
            _stream.Position = offset;
            return _stream.Read(buffer);
        }
        catch (BackupException ex) when (ex.Error == Errors.ArchiveCorrupt || ex.Error == Errors.ArchiveTruncated)
        {
            throw Damaged(_path, ex.Message);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private static BackupException Damaged(string path, string why) =>
        new(Errors.BackupSetFileChanged, $"The compressed file '{path}' of the set is damaged: {why.TrimEnd('.')}.", path);
}
