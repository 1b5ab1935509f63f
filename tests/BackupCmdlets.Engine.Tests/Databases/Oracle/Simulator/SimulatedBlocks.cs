using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// Formats blocks as Oracle lays them out on Linux x86-64 (written here from the format, independently
/// of the engine's verifier): block 0 the OS header (block size at 20, block count at 24); every other
/// block a 20-byte cache header (type, format 0xA2, relative block address, SCN base and wrap, sequence,
/// flags with 0x04 = checksum present, checksum) and a 4-byte tail (low 16 bits of the SCN base, type,
/// sequence); the checksum makes the block's 16-bit words XOR to zero.
/// </summary>
internal static class SimulatedBlocks
{
    public const byte FileHeaderType = 0x0B;
    public const byte DataType = 0x06;

    public static byte[] OsHeader(int blockSize, long blocks)
    {
        var block = new byte[blockSize];
        block[1] = 0xA2;
        BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(20), blockSize);
        BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(24), (int)blocks);
        return block;
    }

    public static byte[] Format(int blockSize, int fileNumber, long blockNumber, byte type, long scn, byte sequence, Random random)
    {
        var block = new byte[blockSize];
        random.NextBytes(block.AsSpan(20, blockSize - 24));
        block[0] = type;
        block[1] = 0xA2;
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), (uint)((fileNumber << 22) | (int)blockNumber));
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(8), (uint)scn);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(12), (ushort)(scn >> 32));
        block[14] = sequence;
        block[15] = 0x04;
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(blockSize - 4), (((uint)scn & 0xFFFF) << 16) | ((uint)type << 8) | sequence);
        ushort xor = 0;
        for (int i = 0; i < blockSize; i += 2)
        {
            xor ^= BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(i));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(16), xor);
        return block;
    }

    public static long ScnOf(ReadOnlySpan<byte> block) =>
        ((long)BinaryPrimitives.ReadUInt16LittleEndian(block[12..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(block[8..]);
}
