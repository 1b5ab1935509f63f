using System.Buffers;
using System.Security.Cryptography;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A file of the set: its path in the set, size, SHA-256 and mode (in an encrypted or compressed set, the size and SHA-256 of the file as stored).</summary>
internal sealed record ManifestFile(string Path, long Size, string Sha256, int Mode)
{
    /// <summary>Encrypted sets: HMAC-SHA256 of the file's content under the set's key (what -Delta compares a copy with); null otherwise.</summary>
    public string? ContentMac { get; init; }

    /// <summary>
    /// Encrypted sets: the random salt of the stored file's header (hex). With the key, a file whose header has
    /// it and whose every chunk authenticates is the one the set wrote, so Test-BackupSet need not hash it too.
    /// </summary>
    public string? Salt { get; init; }

    /// <summary>Zstd when the file is stored compressed on its own (a Plain set with -Compression Zstd, in the seekable format); null when stored as it is.</summary>
    public Archiving.ArchiveCompression? Compression { get; init; }

    /// <summary>A compressed file: the size of its content.</summary>
    public long? ContentSize { get; init; }

    /// <summary>A compressed file: the SHA-256 of its content (what -Delta compares a copy with; a restore checks the stored bytes and each frame's checksum).</summary>
    public string? ContentSha256 { get; init; }

    private const int ChunkSize = 1 << 20;

    /// <summary>The entry of a file that is in the set at <paramref name="path"/> ('/' separators): its size and SHA-256 as read now.</summary>
    public static ManifestFile FromFile(string setPath, string path, int mode, CancellationToken cancellationToken = default)
    {
        string full = System.IO.Path.Combine(setPath, path.Replace('/', System.IO.Path.DirectorySeparatorChar));
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long size = 0;
            int read;
            while ((read = stream.Read(buffer, 0, ChunkSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                size += read;
            }

            return new ManifestFile(path, size, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), mode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
