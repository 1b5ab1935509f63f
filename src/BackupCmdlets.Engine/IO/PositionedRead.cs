using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>Reads at an offset of an open file without moving its position.</summary>
internal static class PositionedRead
{
    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; answers the bytes read.</summary>
    public static int Fill(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
