using System.Buffers;
using System.Security.Cryptography;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Writes content as a zstd file in the seekable format, one independent frame (with its content size
/// and checksum) per <see cref="FrameContentSize"/> bytes and the seek table last, so `zstd -d` reads
/// it as any zstd file and <see cref="ZstdSeekableStream"/> reads any part of it by decoding only the
/// frames that hold it. Empty content is one empty frame, so every file has a table. Keeps the size and
/// SHA-256 of both the content (or, when given one, a keyed hash of it) and the bytes stored.
/// </summary>
internal sealed class ZstdSeekableWriter : IDisposable
{
    public const int FrameContentSize = 1 << 20;

    /// <summary>Frames smaller than this are hashed in line: a thread hop would cost more than it saves.</summary>
    private const int HashAsideMinimum = 256 << 10;

    private readonly Stream _destination;
    private readonly int _level;
    private readonly byte[] _content = ArrayPool<byte>.Shared.Rent(FrameContentSize);
    private readonly byte[] _frame = ArrayPool<byte>.Shared.Rent(ZstdFrameCompressor.MaxOutputLength(FrameContentSize));
    private readonly IncrementalHash _contentHash;
    private readonly IncrementalHash _storedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<(int Compressed, int Decompressed)> _frames = [];
    private WorkerThreads<bool>? _hasher;
    private int _filled;
    private bool _completed;
    private bool _disposed;

    /// <param name="destination">Where the stored bytes go, from its current position.</param>
    /// <param name="level">The zstd level.</param>
    /// <param name="contentHash">What the content is hashed with instead of SHA-256 (an encrypted set's content MAC); disposed with the writer.</param>
    public ZstdSeekableWriter(Stream destination, int level, IncrementalHash? contentHash = null)
    {
        _destination = destination;
        _level = level;
        _contentHash = contentHash ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    public long ContentLength { get; private set; }

    public long StoredLength { get; private set; }

    /// <summary>The SHA-256 of the content, or its hash with the one given (lowercase hex), once <see cref="Complete"/> ran.</summary>
    public string ContentHash { get; private set; } = "";

    /// <summary>The SHA-256 of the bytes stored (lowercase hex), once <see cref="Complete"/> ran.</summary>
    public string StoredSha256 { get; private set; } = "";

    public void Write(ReadOnlySpan<byte> content)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ContentLength += content.Length;
        while (content.Length > 0)
        {
            int n = Math.Min(content.Length, FrameContentSize - _filled);
            content[..n].CopyTo(_content.AsSpan(_filled));
            _filled += n;
            content = content[n..];
            if (_filled == FrameContentSize)
            {
                WriteFrame();
            }
        }
    }

    /// <summary>Writes the last frame and the seek table; the destination is left to its owner to flush.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_filled > 0 || _frames.Count == 0)
        {
            WriteFrame();
        }

        Store(ZstdFormat.SeekTable(_frames));
        ContentHash = Convert.ToHexString(_contentHash.GetHashAndReset()).ToLowerInvariant();
        StoredSha256 = Convert.ToHexString(_storedHash.GetHashAndReset()).ToLowerInvariant();
        _completed = true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _completed = true;
        _hasher?.Dispose();
        ArrayPool<byte>.Shared.Return(_content);
        ArrayPool<byte>.Shared.Return(_frame);
        _contentHash.Dispose();
        _storedHash.Dispose();
    }

    private void WriteFrame()
    {
        int filled = _filled;
        Task<bool>? hashing = null;
        if (filled < HashAsideMinimum)
        {
            _contentHash.AppendData(_content, 0, filled);
        }
        else
        {
            // Hashed on another thread while it is compressed: a file of one frame after another is copied at the pace of the slower of the two, not of both.
            _hasher ??= new WorkerThreads<bool>(1, "hash");
            hashing = _hasher.Start(() =>
            {
                _contentHash.AppendData(_content, 0, filled);
                return true;
            });
        }

        int written;
        try
        {
            written = ZstdFrameCompressor.Compress(_content.AsSpan(0, filled), _frame, _level);
        }
        finally
        {
            // Also when the compression failed: the buffer is not refilled or given back while it is hashed.
            if (hashing is not null)
            {
                Task.WaitAny(hashing);
            }
        }

        hashing?.GetAwaiter().GetResult();
        Store(_frame.AsSpan(0, written));
        _frames.Add((written, _filled));
        _filled = 0;
    }

    private void Store(ReadOnlySpan<byte> bytes)
    {
        _destination.Write(bytes);
        _storedHash.AppendData(bytes);
        StoredLength += bytes.Length;
    }
}
