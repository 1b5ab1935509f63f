using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// PostgreSQL's data page checksum (pg_checksum_page): 32 interleaved FNV-1a-style hashes over the page
/// as 32-bit words with the checksum field taken as zero, two extra rounds of zeros, folded by xor,
/// mixed with the block number and reduced to 16 bits (never zero).
/// </summary>
internal static class PageChecksum
{
    private const int Sums = 32;
    private const uint FnvPrime = 16777619;
    private const int ChecksumOffset = 8;

    private static readonly uint[] BaseOffsets =
    [
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A,
        0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA,
        0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE,
        0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E,
        0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
    ];

    /// <summary>The checksum PostgreSQL stores in pd_checksum for <paramref name="page"/> at <paramref name="blockNumber"/>.</summary>
    public static ushort Compute(ReadOnlySpan<byte> page, uint blockNumber)
    {
        if (page.Length % (Sums * 4) != 0)
        {
            throw new ArgumentException("A page is a whole number of 128-byte rows.", nameof(page));
        }

        if (!BitConverter.IsLittleEndian)
        {
            return ComputeScalar(page, blockNumber);
        }

        // A native build for the baseline x64 (the CLI) has no accelerated 256-bit vectors, but 128-bit ones.
        return Vector256.IsHardwareAccelerated ? ComputeVector256(page, blockNumber)
            : Vector128.IsHardwareAccelerated ? ComputeVector128(page, blockNumber)
            : ComputeScalar(page, blockNumber);
    }

    /// <summary>
    /// The 32 sums as four 8-lane vectors, one row (32 words) per step: about eight times the scalar
    /// speed, which matters because every page of a hot backup is checked while the database works.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // See RollingChecksum.Of.
    internal static ushort ComputeVector256(ReadOnlySpan<byte> page, uint blockNumber)
    {
        var prime = Vector256.Create(FnvPrime);
        var sum0 = Vector256.Create<uint>(BaseOffsets.AsSpan(0, 8));
        var sum1 = Vector256.Create<uint>(BaseOffsets.AsSpan(8, 8));
        var sum2 = Vector256.Create<uint>(BaseOffsets.AsSpan(16, 8));
        var sum3 = Vector256.Create<uint>(BaseOffsets.AsSpan(24, 8));
        var words = MemoryMarshal.Cast<byte, uint>(page);

        // pd_checksum (bytes 8-9, the low half of word 2) counts as zero.
        var firstRowMask = Vector256.Create(uint.MaxValue, uint.MaxValue, 0xFFFF0000, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue);
        sum0 = Mix(sum0, Vector256.Create<uint>(words[..8]) & firstRowMask, prime);
        sum1 = Mix(sum1, Vector256.Create<uint>(words.Slice(8, 8)), prime);
        sum2 = Mix(sum2, Vector256.Create<uint>(words.Slice(16, 8)), prime);
        sum3 = Mix(sum3, Vector256.Create<uint>(words.Slice(24, 8)), prime);
        for (int at = Sums; at < words.Length; at += Sums)
        {
            sum0 = Mix(sum0, Vector256.Create<uint>(words.Slice(at, 8)), prime);
            sum1 = Mix(sum1, Vector256.Create<uint>(words.Slice(at + 8, 8)), prime);
            sum2 = Mix(sum2, Vector256.Create<uint>(words.Slice(at + 16, 8)), prime);
            sum3 = Mix(sum3, Vector256.Create<uint>(words.Slice(at + 24, 8)), prime);
        }

        for (int round = 0; round < 2; round++)
        {
            sum0 = Mix(sum0, Vector256<uint>.Zero, prime);
            sum1 = Mix(sum1, Vector256<uint>.Zero, prime);
            sum2 = Mix(sum2, Vector256<uint>.Zero, prime);
            sum3 = Mix(sum3, Vector256<uint>.Zero, prime);
        }

        var folded = sum0 ^ sum1 ^ sum2 ^ sum3;
        uint result = 0;
        for (int lane = 0; lane < Vector256<uint>.Count; lane++)
        {
            result ^= folded.GetElement(lane);
        }

        result ^= blockNumber;
        return (ushort)((result % 65535) + 1);
    }

    private static Vector256<uint> Mix(Vector256<uint> sums, Vector256<uint> values, Vector256<uint> prime)
    {
        var mixed = sums ^ values;
        return (mixed * prime) ^ Vector256.ShiftRightLogical(mixed, 17);
    }

    /// <summary>The 32 sums as eight 4-lane vectors, for hosts and builds without 256-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // See RollingChecksum.Of.
    internal static ushort ComputeVector128(ReadOnlySpan<byte> page, uint blockNumber)
    {
        const int Lanes = 4;
        var prime = Vector128.Create(FnvPrime);
        Span<Vector128<uint>> sums = stackalloc Vector128<uint>[Sums / Lanes];
        for (int v = 0; v < sums.Length; v++)
        {
            sums[v] = Vector128.Create<uint>(BaseOffsets.AsSpan(v * Lanes, Lanes));
        }

        var words = MemoryMarshal.Cast<byte, uint>(page);
        // pd_checksum (bytes 8-9, the low half of word 2) counts as zero.
        var firstMask = Vector128.Create(uint.MaxValue, uint.MaxValue, 0xFFFF0000, uint.MaxValue);
        for (int at = 0; at < words.Length; at += Sums)
        {
            for (int v = 0; v < sums.Length; v++)
            {
                var values = Vector128.Create<uint>(words.Slice(at + v * Lanes, Lanes));
                sums[v] = Mix(sums[v], at == 0 && v == 0 ? values & firstMask : values, prime);
            }
        }

        var folded = Vector128<uint>.Zero;
        for (int v = 0; v < sums.Length; v++)
        {
            for (int round = 0; round < 2; round++)
            {
                sums[v] = Mix(sums[v], Vector128<uint>.Zero, prime);
            }

            folded ^= sums[v];
        }

        uint result = folded.GetElement(0) ^ folded.GetElement(1) ^ folded.GetElement(2) ^ folded.GetElement(3);
        result ^= blockNumber;
        return (ushort)((result % 65535) + 1);
    }

    private static Vector128<uint> Mix(Vector128<uint> sums, Vector128<uint> values, Vector128<uint> prime)
    {
        var mixed = sums ^ values;
        return (mixed * prime) ^ Vector128.ShiftRightLogical(mixed, 17);
    }

    internal static ushort ComputeScalar(ReadOnlySpan<byte> page, uint blockNumber)
    {
        Span<uint> sums = stackalloc uint[Sums];
        BaseOffsets.CopyTo(sums);
        var words = MemoryMarshal.Cast<byte, uint>(page);
        int rows = words.Length / Sums;
        for (int row = 0; row < rows; row++)
        {
            var values = words.Slice(row * Sums, Sums);
            for (int j = 0; j < Sums; j++)
            {
                uint value = BitConverter.IsLittleEndian ? values[j] : BinaryPrimitives.ReverseEndianness(values[j]);
                if (row == 0 && j == ChecksumOffset / 4)
                {
                    // pd_checksum (bytes 8-9) counts as zero; pd_flags (bytes 10-11) shares the word.
                    value &= 0xFFFF0000;
                }

                uint mixed = sums[j] ^ value;
                sums[j] = (mixed * FnvPrime) ^ (mixed >> 17);
            }
        }

        for (int round = 0; round < 2; round++)
        {
            for (int j = 0; j < Sums; j++)
            {
                uint mixed = sums[j];
                sums[j] = (mixed * FnvPrime) ^ (mixed >> 17);
            }
        }

        uint result = 0;
        foreach (uint sum in sums)
        {
            result ^= sum;
        }

        result ^= blockNumber;
        return (ushort)((result % 65535) + 1);
    }

    /// <summary>pd_checksum as stored in the page header.</summary>
    public static ushort Stored(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt16LittleEndian(page[ChecksumOffset..]);

    /// <summary>pd_lsn: the WAL position just after the last change to the page.</summary>
    public static Lsn PageLsn(ReadOnlySpan<byte> page) =>
        new(((ulong)BinaryPrimitives.ReadUInt32LittleEndian(page) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(page[4..]));

    /// <summary>A page never initialised (pd_upper is zero): PostgreSQL does not checksum it.</summary>
    public static bool IsNew(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt16LittleEndian(page[14..]) == 0;
}
