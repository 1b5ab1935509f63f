using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// rsync's weak checksum (after Adler-32): two 16-bit sums over a window that slide one byte in O(1),
/// so every offset of the new file can be looked up among the old file's blocks.
/// </summary>
internal struct RollingChecksum
{
    private uint _s1;
    private uint _s2;
    private readonly uint _length;

    private RollingChecksum(uint s1, uint s2, int length)
    {
        _s1 = s1;
        _s2 = s2;
        _length = (uint)length;
    }

    public readonly uint Value => (_s1 & 0xFFFF) | (_s2 << 16);

    // Straight to optimised code: a ReadyToRun image cannot hold this AVX2 loop, and its first,
    // unoptimised compilation runs it many times slower, for a good part of a large delta.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RollingChecksum Of(ReadOnlySpan<byte> window)
    {
        // s1 = sum of the bytes, s2 = sum of (length - i) * byte[i]; modulo 2^32, of which 16 bits are kept.
        uint s1 = 0;
        uint s2 = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && window.Length >= 32)
        {
            var weightsLow = Vector256.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            var weightsHigh = weightsLow + Vector256.Create((ushort)16);
            ref byte start = ref MemoryMarshal.GetReference(window);
            for (; i + 32 <= window.Length; i += 32)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
                var (sumLow, sumHigh) = Vector256.Widen(low + high);
                var (productLow, productHigh) = Vector256.Widen(low * weightsLow + high * weightsHigh);
                uint chunk = Vector256.Sum(sumLow + sumHigh);
                // Bytes at i + j weigh (length - i - j): (length - i) * chunk sum - sum of j * byte.
                s2 += (uint)(window.Length - i) * chunk - Vector256.Sum(productLow + productHigh);
                s1 += chunk;
            }
        }

        for (; i < window.Length; i++)
        {
            s1 += window[i];
            s2 += (uint)(window.Length - i) * window[i];
        }

        return new RollingChecksum(s1, s2, window.Length);
    }

    /// <summary>Moves the window one byte on: <paramref name="leaving"/> drops out at the front, <paramref name="entering"/> comes in at the back.</summary>
    public void Roll(byte leaving, byte entering)
    {
        _s1 += (uint)entering - leaving;
        _s2 += _s1 - _length * leaving;
    }
}
