using System.IO.Compression;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// How a set stores its redo (PostgreSQL's WAL): plain in an uncompressed set; in a compressed one each
/// file compressed on its own, as its name plus <c>.zst</c> in a zstd set and plus <c>.gz</c> in a gzip
/// or bzip2 one (sets written before zstd record only that the redo is compressed: gzip).
/// </summary>
internal static class StoredRedo
{
    public const string GzipSuffix = ".gz";
    public const string ZstdSuffix = ".zst";

    /// <summary>The compression of the redo of a set made with <paramref name="request"/>: None, GZip or Zstd.</summary>
    public static ArchiveCompression For(StartBackupRequest request) => request.Compression switch
    {
        ArchiveCompression.None => ArchiveCompression.None,
        ArchiveCompression.Zstd => ArchiveCompression.Zstd,
        _ => ArchiveCompression.GZip,
    };

    /// <summary>The compression of the redo of the set <paramref name="manifest"/> describes.</summary>
    public static ArchiveCompression Of(BackupSetManifest manifest) =>
        manifest.RedoCompressed ? manifest.RedoCompression ?? ArchiveCompression.GZip : ArchiveCompression.None;

    public static string Suffix(ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.None => "",
        ArchiveCompression.GZip => GzipSuffix,
        ArchiveCompression.Zstd => ZstdSuffix,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Redo is stored plain, gzip- or zstd-compressed."),
    };

    /// <summary>The name of the redo file stored as <paramref name="fileName"/> (a WAL archive may hold either compression).</summary>
    public static string Unsuffixed(string fileName) =>
        fileName.EndsWith(GzipSuffix, StringComparison.Ordinal) ? fileName[..^GzipSuffix.Length]
        : fileName.EndsWith(ZstdSuffix, StringComparison.Ordinal) ? fileName[..^ZstdSuffix.Length]
        : fileName;

    /// <summary>Whether the file at <paramref name="path"/> is stored compressed (its name ends in a suffix of <see cref="StoredRedo"/>).</summary>
    public static bool IsCompressed(string path) => Unsuffixed(path).Length != path.Length;

    /// <summary>
    /// The redo file at <paramref name="path"/>, decompressed as its suffix says. Damaged gzip throws
    /// InvalidDataException, damaged zstd (a content checksum among it) a BackupException, when read.
    /// With <paramref name="archiveKey"/> (a file of an encrypted WAL archive), the file is opened with it
    /// first, under its name without the suffix; a change anywhere is an EncryptedFileDamaged error.
    /// </summary>
    public static Stream OpenRead(string path, byte[]? archiveKey = null)
    {
        Stream file = archiveKey is null
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan)
            : SealedFileReader.Open(path, archiveKey, Unsuffixed(Path.GetFileName(path))).AsStream();
        return Expanded(file, path);
    }

    /// <summary>The content of <paramref name="file"/>, the redo file stored at <paramref name="path"/>, decompressed as its suffix says; closes the file with it.</summary>
    public static Stream Expanded(Stream file, string path)
    {
        try
        {
            return path.EndsWith(GzipSuffix, StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress)
                : path.EndsWith(ZstdSuffix, StringComparison.Ordinal) ? new ZstdFile(file)
                : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A zstd file's content that closes the file with it (the decompressing stream leaves its input open).</summary>
    private sealed class ZstdFile(Stream file) : ReadOnlyStream
    {
        private readonly ZstdDecompressingStream _content = new(file, workers: 1);

        public override int Read(Span<byte> buffer) => _content.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _content.Dispose();
                file.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
