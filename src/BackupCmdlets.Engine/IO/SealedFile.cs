using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The layout of an encrypted file (a file of an encrypted set, or of an encrypted WAL archive): a
/// 32-byte header (the magic <c>BCSEAL01</c>, the chunk size, 4 zero bytes, a random 16-byte salt),
/// then the content in chunks of <see cref="ChunkSize"/> bytes, each encrypted with AES-256-GCM and
/// followed by its 16-byte tag. The file's key is derived (HKDF-SHA256) from the master key and the
/// salt; a chunk's nonce is its number and whether it is the last, and every chunk authenticates the
/// header and the file's name, so a changed, cut, reordered, moved or swapped chunk or file fails.
/// The last chunk is shorter than a whole one or, when the content fills its chunks, a whole one; only
/// an empty file has an empty (tag-only) chunk.
/// </summary>
internal static class SealedFile
{
    public const int HeaderLength = 32;
    public const int TagLength = 16;
    public const int ChunkSize = 64 * 1024;
    public const int KeyLength = 32;
    private const int SaltLength = 16;

    public static ReadOnlySpan<byte> Magic => "BCSEAL01"u8;

    private static ReadOnlySpan<byte> FileKeyInfo => "BackupCmdlets sealed file v1"u8;

    /// <summary>A new header with a fresh salt.</summary>
    public static byte[] NewHeader()
    {
        byte[] header = new byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), ChunkSize);
        RandomNumberGenerator.Fill(header.AsSpan(HeaderLength - SaltLength));
        return header;
    }

    /// <summary>The header's random salt (lower-case hex): no two files written carry the same one.</summary>
    public static string SaltOf(ReadOnlySpan<byte> header) => Convert.ToHexString(header[(HeaderLength - SaltLength)..HeaderLength]).ToLowerInvariant();

    /// <summary>The header is one of this layout (magic, chunk size, zero bytes).</summary>
    public static bool IsHeader(ReadOnlySpan<byte> header) =>
        header.Length == HeaderLength
        && header[..8].SequenceEqual(Magic)
        && BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == ChunkSize
        && BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == 0;

    /// <summary>The cipher of one file: its key from the master key and the header's salt.</summary>
    public static AesGcm Cipher(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> header)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, key, header[(HeaderLength - SaltLength)..], FileKeyInfo);
        var cipher = new AesGcm(key, TagLength);
        CryptographicOperations.ZeroMemory(key);
        return cipher;
    }

    /// <summary>What every chunk authenticates besides itself: the header and the file's name.</summary>
    public static byte[] AssociatedData(ReadOnlySpan<byte> header, string name)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] data = new byte[HeaderLength + nameBytes.Length];
        header.CopyTo(data);
        nameBytes.CopyTo(data, HeaderLength);
        return data;
    }

    public static void Nonce(Span<byte> nonce, long chunk, bool last)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce, chunk);
        nonce[11] = last ? (byte)1 : (byte)0;
    }

    /// <summary>The stored length of content of <paramref name="plainLength"/> bytes.</summary>
    public static long StoredLength(long plainLength)
    {
        long chunks = Math.Max(1, (plainLength + ChunkSize - 1) / ChunkSize);
        return HeaderLength + plainLength + (chunks * TagLength);
    }

    /// <summary>The content length a stored file of <paramref name="storedLength"/> bytes holds; false when no content has that stored length.</summary>
    public static bool TryPlainLength(long storedLength, out long plainLength, out long chunks)
    {
        long body = storedLength - HeaderLength;
        plainLength = 0;
        chunks = 0;
        if (body < TagLength)
        {
            return false;
        }

        chunks = (body + ChunkSize + TagLength - 1) / (ChunkSize + TagLength);
        plainLength = body - (chunks * TagLength);
        long last = plainLength - ((chunks - 1) * ChunkSize);
        return last > 0 || (chunks == 1 && last == 0);
    }
}
