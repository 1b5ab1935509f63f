using System.Buffers.Binary;
using System.Globalization;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Checks Oracle datafile blocks as DBVERIFY does. Every formatted block starts with the cache header
/// (type, format, relative block address, SCN base and wrap, sequence, flags, checksum) and ends with a
/// 4-byte tail holding the low 16 bits of the SCN base, the type and the sequence: a block written in
/// full has a tail matching its header, and when its flags say so, 16-bit words that XOR to zero.
/// A block failing either check whose SCN is at or after the backup start was being written during a
/// hot copy (fractured: the block images in the archived redo repair it); any other is corrupt.
/// Blocks are read in the platform's byte order (little-endian, as on Linux x86-64).
/// </summary>
internal sealed class OracleBlockVerifier : IBlockVerifier
{
    private const int TailLength = 4;
    private const byte ChecksumFlag = 0x04;

    /// <param name="blockSize">The database (or tablespace) block size.</param>
    /// <param name="backupStartScn">The SCN at which backup mode began (hot copy); null for a cold copy, where any bad block is corruption.</param>
    public OracleBlockVerifier(int blockSize, long? backupStartScn)
    {
        if (blockSize < 512 || (blockSize & (blockSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "An Oracle block size is a power of two from 512 bytes.");
        }

        BlockSize = blockSize;
        BackupStartScn = backupStartScn;
    }

    public int BlockSize { get; }

    public long? BackupStartScn { get; }

    public BlockCheck Check(ReadOnlySpan<byte> block, long blockNumber, out string? detail)
    {
        detail = null;
        if (blockNumber == 0 || !block.ContainsAnyExcept((byte)0))
        {
            // Block 0 is the operating-system header of the file; an all-zero block was never formatted.
            return BlockCheck.NotChecked;
        }

        var header = OracleBlockHeader.Read(block);
        if (header.BlockNumber != (blockNumber & OracleBlockHeader.BlockNumberMask))
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"the header addresses block {header.BlockNumber}: misplaced or overwritten");
            return BlockCheck.Corrupt;
        }

        uint tail = BinaryPrimitives.ReadUInt32LittleEndian(block[^TailLength..]);
        string? problem = null;
        if (tail != header.ExpectedTail)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"tail 0x{tail:x8} does not match the header (0x{header.ExpectedTail:x8})");
        }
        else if ((header.Flags & ChecksumFlag) != 0 && Xor16(block) != 0)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"checksum mismatch (stored 0x{header.Checksum:x4})");
        }

        if (problem is null)
        {
            return BlockCheck.Valid;
        }

        if (BackupStartScn is { } start && header.Scn >= start)
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"fractured: {problem}; block SCN {header.Scn} is after the backup start {start}, the archived redo repairs it");
            return BlockCheck.Torn;
        }

        detail = BackupStartScn is { } before
            ? string.Create(CultureInfo.InvariantCulture, $"{problem}; block SCN {header.Scn} predates the backup start {before}")
            : problem;
        return BlockCheck.Corrupt;
    }

    /// <summary>The XOR of the block as 16-bit words: zero when the stored checksum holds.</summary>
    private static ushort Xor16(ReadOnlySpan<byte> block)
    {
        ulong acc = 0;
        for (int i = 0; i + 8 <= block.Length; i += 8)
        {
            acc ^= BinaryPrimitives.ReadUInt64LittleEndian(block[i..]);
        }

        return (ushort)(acc ^ (acc >> 16) ^ (acc >> 32) ^ (acc >> 48));
    }
}
