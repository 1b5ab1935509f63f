using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Reading;

/// <summary>An archive file opened for reading: its compression (from the content) and the tar stream inside.</summary>
internal sealed class ArchiveInput : IDisposable
{
    private readonly FileStream _file;

    private ArchiveInput(FileStream file, ArchiveCompression compression, Stream tar)
    {
        _file = file;
        Compression = compression;
        Tar = tar;
    }

    public ArchiveCompression Compression { get; }

    /// <summary>The uncompressed tar bytes.</summary>
    public Stream Tar { get; }

    public long CompressedLength => _file.Length;

    /// <summary>How far into the archive file reading has got (for progress).</summary>
    public long CompressedPosition => Tar switch
    {
        GzipDecompressingStream gz => gz.CompressedBytesRead,
        Bzip2DecompressingStream bz => bz.CompressedBytesRead,
        XzDecompressingStream xz => xz.CompressedBytesRead,
        ZstdDecompressingStream zstd => zstd.CompressedBytesRead,
        ZstdSeekableStream zstd => zstd.CompressedBytesRead,
        _ => _file.Position,
    };

    /// <param name="path">The archive.</param>
    /// <param name="workers">Threads for decompressing ahead.</param>
    /// <param name="seekable">Whether the caller seeks over entry data rather than reading it (a listing): then a zstd
    /// archive with a seek table that agrees with it is read frame by frame through the table, decoding only the frames read from.</param>
    public static ArchiveInput Open(string path, int workers, bool seekable = false)
    {
        if (Directory.Exists(path))
        {
            throw new BackupException(Errors.NotAnArchive, $"'{path}' is a folder, not an archive.", path);
        }

        if (!File.Exists(path))
        {
            throw new BackupException(Errors.PathNotFound, $"Cannot find archive '{path}'.", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        try
        {
            byte[] head = new byte[512];
            int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            var compression = ArchiveFormatDetector.Detect(head.AsSpan(0, read), path);
            Stream tar = compression switch
            {
                ArchiveCompression.GZip => new GzipDecompressingStream(file, workers),
                ArchiveCompression.BZip2 => new Bzip2DecompressingStream(file),
                ArchiveCompression.Xz => new XzDecompressingStream(file),
                ArchiveCompression.Zstd => (seekable ? ZstdSeekableStream.TryOpen(new PlainFileReader(file.SafeFileHandle)) : null) ?? (Stream)new ZstdDecompressingStream(file, workers),
                _ => file,
            };
            return new ArchiveInput(file, compression, tar);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads what follows the end-of-archive marker, so every compressed byte is checked; answers whether it was all zeros.</summary>
    public bool DrainTrailingData()
    {
        byte[] buffer = new byte[1 << 16];
        bool zeros = true;
        int n;
        while ((n = Tar.Read(buffer)) > 0)
        {
            zeros &= buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) < 0;
        }

        return zeros;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Tar, _file))
        {
            Tar.Dispose();
        }

        _file.Dispose();
    }
}
