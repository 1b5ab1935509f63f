using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Reads an encrypted file (<see cref="SealedFile"/>) at any offset, opening and authenticating each
/// chunk it reads (the last one it opened is kept). Any chunk that fails, a header that is not one, or
/// a length no content has, is an <c>EncryptedFileDamaged</c> error naming the file. Reads from several
/// threads at once take turns (the frames of a compressed file decode in parallel, their stored bytes
/// read through here).
/// </summary>
internal sealed class SealedFileReader : IPositionedReader
{
    // As many chunks as fit the pool's largest arrays (1 MiB).
    private const int ChunksPerRead = 15;

    private readonly SafeFileHandle _file;
    private readonly bool _ownsFile;
    private readonly string _path;
    private readonly AesGcm _cipher;
    private readonly byte[] _associatedData;
    private readonly long _chunks;
    // Pooled: a set has thousands of small files, and two chunk-sized arrays each would be as many large-object allocations.
    private readonly byte[] _sealed = ArrayPool<byte>.Shared.Rent(SealedFile.ChunkSize + SealedFile.TagLength);
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(SealedFile.ChunkSize);
    private bool _disposed;
    private long _openChunk = -1;
    private int _openLength;

    private SealedFileReader(SafeFileHandle file, bool ownsFile, string path, AesGcm cipher, byte[] associatedData, long length, long chunks, string salt)
    {
        Salt = salt;
        _file = file;
        _ownsFile = ownsFile;
        _path = path;
        _cipher = cipher;
        _associatedData = associatedData;
        Length = length;
        _chunks = chunks;
    }

    /// <summary>The salt of the file's header (<see cref="SealedFile.SaltOf"/>).</summary>
    public string Salt { get; }

    /// <summary>The content's length.</summary>
    public long Length { get; }

    /// <summary>Opens the file at <paramref name="path"/>, stored under <paramref name="name"/> with <paramref name="masterKey"/>.</summary>
    public static SealedFileReader Open(string path, ReadOnlySpan<byte> masterKey, string name)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            return Open(file, ownsFile: true, path, masterKey, name);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads an open file (left open when disposed unless <paramref name="ownsFile"/>).</summary>
    public static SealedFileReader Open(SafeFileHandle file, bool ownsFile, string path, ReadOnlySpan<byte> masterKey, string name)
    {
        byte[] header = new byte[SealedFile.HeaderLength];
        long stored = RandomAccess.GetLength(file);
        if (PositionedRead.Fill(file, header, 0) != header.Length || !SealedFile.IsHeader(header))
        {
            throw Damaged(path, "it does not begin with the header of an encrypted file");
        }

        if (!SealedFile.TryPlainLength(stored, out long length, out long chunks))
        {
            throw Damaged(path, $"its length {stored} is not that of an encrypted file (cut short or extended)");
        }

        return new SealedFileReader(file, ownsFile, path, SealedFile.Cipher(masterKey, header), SealedFile.AssociatedData(header, name), length, chunks, SealedFile.SaltOf(header));
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length of content from <paramref name="offset"/>; answers the bytes read (0 at the end).</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        lock (_sealed)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadLocked(buffer, offset);
        }
    }

    private int ReadLocked(Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length && offset < Length)
        {
            long chunk = offset / SealedFile.ChunkSize;
            OpenChunk(chunk);
            int at = (int)(offset - (chunk * SealedFile.ChunkSize));
            int take = Math.Min(buffer.Length - total, _openLength - at);
            _plain.AsSpan(at, take).CopyTo(buffer[total..]);
            total += take;
            offset += take;
        }

        return total;
    }

    /// <summary>
    /// Reads every chunk once, up to <see cref="ChunksPerRead"/> in one read: the whole file authenticates, or an
    /// EncryptedFileDamaged error says where it does not.
    /// </summary>
    public void ReadAll(CancellationToken cancellationToken)
    {
        byte[] span = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunksPerRead, _chunks) * (SealedFile.ChunkSize + SealedFile.TagLength));
        try
        {
            ReadAllInto(span, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(span);
        }
    }

    private void ReadAllInto(byte[] span, CancellationToken cancellationToken)
    {
        lock (_sealed)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (long first = 0; first < _chunks; first += ChunksPerRead)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long after = Math.Min(first + ChunksPerRead, _chunks);
                var (start, _) = StoredRange(first);
                var (lastStart, lastLength) = StoredRange(after - 1);
                var stored = span.AsSpan(0, (int)(lastStart + lastLength - start));
                int read = PositionedRead.Fill(_file, stored, start);
                for (long chunk = first; chunk < after; chunk++)
                {
                    var (at, length) = StoredRange(chunk);
                    if (at - start + length > read)
                    {
                        throw Damaged(_path, $"it ends inside chunk {chunk}");
                    }

                    Decrypt(chunk, stored.Slice((int)(at - start), length));
                }
            }
        }
    }

    /// <summary>The content as a forward-only stream (from the start).</summary>
    public Stream AsStream() => new PositionedReaderStream(this);

    public void Dispose()
    {
        lock (_sealed)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_plain);
        ArrayPool<byte>.Shared.Return(_plain);
        ArrayPool<byte>.Shared.Return(_sealed);
        if (_ownsFile)
        {
            _file.Dispose();
        }
    }

    private void OpenChunk(long chunk)
    {
        if (chunk == _openChunk)
        {
            return;
        }

        var (position, length) = StoredRange(chunk);
        var stored = _sealed.AsSpan(0, length);
        if (PositionedRead.Fill(_file, stored, position) != stored.Length)
        {
            throw Damaged(_path, $"it ends inside chunk {chunk}");
        }

        Decrypt(chunk, stored);
    }

    /// <summary>Where chunk <paramref name="chunk"/> is stored, and its stored length (content and tag).</summary>
    private (long Position, int Length) StoredRange(long chunk)
    {
        int plainLength = chunk == _chunks - 1 ? (int)(Length - (chunk * SealedFile.ChunkSize)) : SealedFile.ChunkSize;
        return (SealedFile.HeaderLength + (chunk * (SealedFile.ChunkSize + SealedFile.TagLength)), plainLength + SealedFile.TagLength);
    }

    /// <summary>Opens chunk <paramref name="chunk"/> from its <paramref name="stored"/> bytes into the open chunk.</summary>
    private void Decrypt(long chunk, ReadOnlySpan<byte> stored)
    {
        int plainLength = stored.Length - SealedFile.TagLength;
        Span<byte> nonce = stackalloc byte[12];
        SealedFile.Nonce(nonce, chunk, chunk == _chunks - 1);
        _openChunk = -1;
        try
        {
            _cipher.Decrypt(nonce, stored[..plainLength], stored[plainLength..], _plain.AsSpan(0, plainLength), _associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            long position = StoredRange(chunk).Position;
            throw Damaged(_path, $"chunk {chunk} (bytes {position} to {position + stored.Length}) fails authentication: it was changed, moved or cut, or the file was swapped");
        }

        _openChunk = chunk;
        _openLength = plainLength;
    }

    private static BackupException Damaged(string path, string why) =>
        new(Errors.EncryptedFileDamaged, $"The encrypted file '{path}' is damaged: {why}.", path);
}
