using System.Buffers;
using System.Security.Cryptography;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Writes content encrypted (<see cref="SealedFile"/>) into a stream, a chunk at a time: a whole chunk
/// is sealed only when more content follows it, so <see cref="Complete"/> marks the true last one.
/// Keeps the SHA-256 of the bytes it stores and, when given one, a keyed MAC of the content.
/// </summary>
internal sealed class SealedFileWriter : Stream
{
    private readonly Stream _destination;
    private readonly AesGcm _cipher;
    private readonly byte[] _associatedData;
    // Pooled, as the reader's: a set has thousands of small files.
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(SealedFile.ChunkSize);
    private readonly byte[] _sealed = ArrayPool<byte>.Shared.Rent(SealedFile.ChunkSize + SealedFile.TagLength);
    private bool _disposed;
    private readonly IncrementalHash _storedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _contentMac;
    private int _filled;
    private long _chunk;
    private long _plainLength;
    private long _storedLength;
    private bool _completed;

    /// <param name="destination">Where the stored bytes go, from its current position.</param>
    /// <param name="masterKey">The set's or archive's master key.</param>
    /// <param name="name">The file's name in its set or archive, bound into every chunk.</param>
    /// <param name="contentMac">A keyed hash the content is added to (the set's content MAC), or null.</param>
    public SealedFileWriter(Stream destination, ReadOnlySpan<byte> masterKey, string name, IncrementalHash? contentMac = null)
    {
        _destination = destination;
        byte[] header = SealedFile.NewHeader();
        Salt = SealedFile.SaltOf(header);
        _cipher = SealedFile.Cipher(masterKey, header);
        _associatedData = SealedFile.AssociatedData(header, name);
        _contentMac = contentMac;
        Store(header);
    }

    /// <summary>The salt of the file's header (<see cref="SealedFile.SaltOf"/>).</summary>
    public string Salt { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _plainLength;

    public override long Position { get => _plainLength; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed || _disposed, this);
        _contentMac?.AppendData(buffer);
        _plainLength += buffer.Length;
        while (buffer.Length > 0)
        {
            if (_filled == SealedFile.ChunkSize)
            {
                SealChunk(last: false);
            }

            int take = Math.Min(buffer.Length, SealedFile.ChunkSize - _filled);
            buffer[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Seals the last chunk; answers what was stored (length and SHA-256) and the content's length and MAC (lower-case hex; null without one).</summary>
    public (long StoredLength, string StoredSha256, long PlainLength, string? ContentMac) Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_completed)
        {
            SealChunk(last: true);
            _completed = true;
        }

        return (_storedLength, Convert.ToHexString(_storedHash.GetHashAndReset()).ToLowerInvariant(), _plainLength, _contentMac is null ? null : Convert.ToHexString(_contentMac.GetHashAndReset()).ToLowerInvariant());
    }

    public override void Flush() => _destination.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cipher.Dispose();
            _storedHash.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_sealed);
        }

        base.Dispose(disposing);
    }

    private void SealChunk(bool last)
    {
        Span<byte> nonce = stackalloc byte[12];
        SealedFile.Nonce(nonce, _chunk, last);
        _cipher.Encrypt(nonce, _plain.AsSpan(0, _filled), _sealed.AsSpan(0, _filled), _sealed.AsSpan(_filled, SealedFile.TagLength), _associatedData);
        Store(_sealed.AsSpan(0, _filled + SealedFile.TagLength));
        _chunk++;
        _filled = 0;
    }

    private void Store(ReadOnlySpan<byte> bytes)
    {
        _destination.Write(bytes);
        _storedHash.AppendData(bytes);
        _storedLength += bytes.Length;
    }
}
