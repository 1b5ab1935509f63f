using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The 20-byte cache header at the start of every Oracle block: type (0), format (1), relative data
/// block address (4: file number in the top 10 bits, block number in the low 22), SCN base (8) and
/// wrap (12), sequence (14), flags (15), checksum (16).
/// </summary>
internal readonly record struct OracleBlockHeader(byte Type, uint RelativeAddress, uint ScnBase, ushort ScnWrap, byte Sequence, byte Flags, ushort Checksum)
{
    public const long BlockNumberMask = 0x3FFFFF;

    public long BlockNumber => RelativeAddress & BlockNumberMask;

    public long Scn => ((long)ScnWrap << 32) | ScnBase;

    /// <summary>What the tail of a block written in full holds.</summary>
    public uint ExpectedTail => ((ScnBase & 0xFFFF) << 16) | ((uint)Type << 8) | Sequence;

    public static OracleBlockHeader Read(ReadOnlySpan<byte> block) => new(
        block[0],
        BinaryPrimitives.ReadUInt32LittleEndian(block[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(block[8..]),
        BinaryPrimitives.ReadUInt16LittleEndian(block[12..]),
        block[14],
        block[15],
        BinaryPrimitives.ReadUInt16LittleEndian(block[16..]));

    /// <summary>
    /// The block size recorded in a datafile's block 0 (the operating-system header block: size at
    /// offset 20, block count at 24); null when the block does not look like one.
    /// </summary>
    public static int? BlockSizeFromFileHeader(ReadOnlySpan<byte> block0)
    {
        if (block0.Length < 28)
        {
            return null;
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(block0[20..]);
        return size is >= 512 and <= 32768 && (size & (size - 1)) == 0 ? size : null;
    }
}
