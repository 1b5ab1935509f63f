using System.Buffers.Binary;
using System.Numerics;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// XXH64, the strong block hash of the sync delta (rsync 3.2 uses the xxHash family for the same job)
/// and the digest a differential or incremental set keeps of each file it stores as pages:
/// fast enough that hashing blocks costs less than reading them.
/// </summary>
internal static class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        int length = data.Length;
        ulong hash;
        if (length >= 32)
        {
            ulong v1 = seed + Prime1 + Prime2;
            ulong v2 = seed + Prime2;
            ulong v3 = seed;
            ulong v4 = seed - Prime1;
            do
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
                data = data[32..];
            }
            while (data.Length >= 32);

            hash = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            hash = Merge(hash, v1);
            hash = Merge(hash, v2);
            hash = Merge(hash, v3);
            hash = Merge(hash, v4);
        }
        else
        {
            hash = seed + Prime5;
        }

        hash += (ulong)length;
        while (data.Length >= 8)
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
            hash = BitOperations.RotateLeft(hash, 27) * Prime1 + Prime4;
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1;
            hash = BitOperations.RotateLeft(hash, 23) * Prime2 + Prime3;
            data = data[4..];
        }

        foreach (byte b in data)
        {
            hash ^= b * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }

    private static ulong Round(ulong accumulator, ulong input) =>
        BitOperations.RotateLeft(accumulator + input * Prime2, 31) * Prime1;

    private static ulong Merge(ulong hash, ulong value) => (hash ^ Round(0, value)) * Prime1 + Prime4;
}
