using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The gzip member layout (RFC 1952). Members this engine writes carry an extra field "BK" holding
/// the member's total compressed length, so a reader can find every member without inflating and
/// decompress them in parallel (the idea of bgzip's "BC" field). Any gzip reader ignores the field.
/// </summary>
internal static class GzipFormat
{
    public const byte Id1 = 0x1f;
    public const byte Id2 = 0x8b;
    public const byte MethodDeflate = 8;
    public const byte FlagHeaderCrc = 2;
    public const byte FlagExtra = 4;
    public const byte FlagName = 8;
    public const byte FlagComment = 16;
    public const byte ReservedFlags = 0xE0;
    public const int TrailerLength = 8;

    /// <summary>Header of a member we write: 10 fixed bytes + XLEN + the "BK" subfield (4-byte length).</summary>
    public const int OwnHeaderLength = 10 + 2 + 4 + 4;

    /// <summary>The most uncompressed bytes a member we write holds (the writer's chunk size).</summary>
    public const int OwnMemberDataLimit = 4 << 20;

    /// <summary>The longest member we write: <see cref="OwnMemberDataLimit"/> bytes at their least compressible.</summary>
    public static int OwnMemberLengthLimit => GzipChunkCompressor.MaxOutputLength(OwnMemberDataLimit);

    public static void WriteOwnHeader(Span<byte> header, int memberLength, int level)
    {
        header[0] = Id1;
        header[1] = Id2;
        header[2] = MethodDeflate;
        header[3] = FlagExtra;
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        header[8] = (byte)(level >= 9 ? 2 : level <= 1 ? 4 : 0);
        header[9] = 3; // Unix
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 8);
        header[12] = (byte)'B';
        header[13] = (byte)'K';
        BinaryPrimitives.WriteUInt16LittleEndian(header[14..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], memberLength);
    }

    /// <summary>
    /// The member length from our "BK" field, when <paramref name="header"/> starts with one of our
    /// headers. Only a claim: any gzip writer may put these bytes there, and damage may change them.
    /// </summary>
    public static int? OwnMemberLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < OwnHeaderLength || header[0] != Id1 || header[1] != Id2 || header[2] != MethodDeflate
            || header[3] != FlagExtra || header[12] != 'B' || header[13] != 'K'
            || BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) != 8 || BinaryPrimitives.ReadUInt16LittleEndian(header[14..]) != 4)
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        return length > OwnHeaderLength + TrailerLength ? length : null;
    }
}
