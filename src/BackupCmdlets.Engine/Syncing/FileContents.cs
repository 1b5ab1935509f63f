using System.Buffers;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>Byte-for-byte comparison of two local files (what rsync -c learns from checksums, without hashing).</summary>
internal static class FileContents
{
    private const int CompareBufferSize = 1 << 20;

    public static bool Same(string first, string second)
    {
        using var a = UnixFileSystem.OpenRead(first);
        using var b = UnixFileSystem.OpenRead(second);
        byte[] left = ArrayPool<byte>.Shared.Rent(CompareBufferSize);
        byte[] right = ArrayPool<byte>.Shared.Rent(CompareBufferSize);
        try
        {
            for (long offset = 0; ; offset += CompareBufferSize)
            {
                int n = PositionedRead.Fill(a, left.AsSpan(0, CompareBufferSize), offset);
                int m = PositionedRead.Fill(b, right.AsSpan(0, CompareBufferSize), offset);
                if (n != m || !left.AsSpan(0, n).SequenceEqual(right.AsSpan(0, m)))
                {
                    return false;
                }

                if (n < CompareBufferSize)
                {
                    return true;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(left);
            ArrayPool<byte>.Shared.Return(right);
        }
    }
}
