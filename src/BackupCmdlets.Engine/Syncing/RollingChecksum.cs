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

    public static RollingChecksum Of(ReadOnlySpan<byte> window)
    {
        uint s1 = 0;
        uint s2 = 0;
        int i = 0;
        for (; i + 4 <= window.Length; i += 4)
        {
            s2 += 4 * (s1 + window[i]) + 3u * window[i + 1] + 2u * window[i + 2] + window[i + 3];
            s1 += (uint)(window[i] + window[i + 1] + window[i + 2] + window[i + 3]);
        }

        for (; i < window.Length; i++)
        {
            s1 += window[i];
            s2 += s1;
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
