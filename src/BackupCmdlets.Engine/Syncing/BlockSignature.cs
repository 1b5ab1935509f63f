using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// The old (basis) file cut into blocks, each with its weak rolling checksum in a hash table and its
/// strong hash (XXH64), as rsync's receiver sends them. Strong hashes are computed when a weak checksum
/// first matches, since both files are local and most blocks are never looked up.
/// </summary>
internal sealed class BlockSignature
{
    private const int MinimumBlockSize = 700;
    private const int MaximumBlockSize = 1 << 17;

    private readonly SafeFileHandle _basis;
    private readonly uint[] _weak;
    private readonly ulong[] _strong;
    private readonly bool[] _hasStrong;
    private readonly int[] _buckets;
    private readonly int[] _next;
    private readonly int _shift;

    public BlockSignature(SafeFileHandle basis, long basisLength, int blockSize, uint[] weak)
    {
        _basis = basis;
        BasisLength = basisLength;
        BlockSize = blockSize;
        _weak = weak;
        _strong = new ulong[weak.Length];
        _hasStrong = new bool[weak.Length];
        int bits = Math.Max(4, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)weak.Length * 2));
        _shift = 32 - Math.Min(bits, 30);
        _buckets = new int[1 << (32 - _shift)];
        Array.Fill(_buckets, -1);
        _next = new int[weak.Length];
        for (int i = weak.Length - 1; i >= 0; i--)
        {
            int bucket = Bucket(weak[i]);
            _next[i] = _buckets[bucket];
            _buckets[bucket] = i;
        }
    }

    public int BlockSize { get; }

    public long BasisLength { get; }

    public int Count => _weak.Length;

    /// <summary>
    /// rsync's block length: about the square root of the file size, a multiple of 8, at least 700
    /// bytes and at most 128 KiB.
    /// </summary>
    public static int BlockSizeFor(long length)
    {
        if (length <= (long)MinimumBlockSize * MinimumBlockSize)
        {
            return MinimumBlockSize;
        }

        int c = 1;
        for (long l = length; (l >>= 2) != 0; c <<= 1)
        {
            if (c >= MaximumBlockSize)
            {
                return MaximumBlockSize;
            }
        }

        if (c >= MaximumBlockSize)
        {
            return MaximumBlockSize;
        }

        int blockLength = 0;
        do
        {
            blockLength |= c;
            if (length < (long)blockLength * blockLength)
            {
                blockLength &= ~c;
            }

            c >>= 1;
        }
        while (c >= 8);

        return Math.Max(blockLength, MinimumBlockSize);
    }

    public int BlockLength(int index) => (int)Math.Min(BlockSize, BasisLength - (long)index * BlockSize);

    /// <summary>
    /// The basis block that holds exactly <paramref name="window"/>, or -1. <paramref name="preferred"/> (the
    /// block after the previous match) is tried first; <paramref name="minimumOffset"/> excludes blocks
    /// before it (for in-place updates, whose earlier blocks are already overwritten).
    /// </summary>
    public int Find(uint weak, ReadOnlySpan<byte> window, int preferred, long minimumOffset, ref ulong? windowStrong)
    {
        if (preferred >= 0 && preferred < _weak.Length && _weak[preferred] == weak && Acceptable(preferred, window.Length, minimumOffset)
            && StrongOf(preferred) == (windowStrong ??= XxHash64.Hash(window)))
        {
            return preferred;
        }

        for (int i = _buckets[Bucket(weak)]; i >= 0; i = _next[i])
        {
            if (_weak[i] == weak && i != preferred && Acceptable(i, window.Length, minimumOffset)
                && StrongOf(i) == (windowStrong ??= XxHash64.Hash(window)))
            {
                return i;
            }
        }

        return -1;
    }

    private bool Acceptable(int index, int length, long minimumOffset) =>
        BlockLength(index) == length && (long)index * BlockSize >= minimumOffset;

    private int Bucket(uint weak) => (int)((weak * 2654435769u) >> _shift);

    private ulong StrongOf(int index)
    {
        if (!_hasStrong[index])
        {
            byte[] block = new byte[BlockLength(index)];
            int read = PositionedRead.Fill(_basis, block, (long)index * BlockSize);
            _strong[index] = XxHash64.Hash(block.AsSpan(0, read));
            _hasStrong[index] = true;
        }

        return _strong[index];
    }
}
