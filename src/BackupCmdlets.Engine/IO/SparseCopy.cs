using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Copies a range of one file into a new file so that it stays sparse, as <c>rsync -S</c> writes: the
/// source's holes (found with SEEK_DATA and SEEK_HOLE) are skipped, and so is every file-system block
/// of the data that holds only zeros. The destination must be a fresh file (what is skipped reads back
/// as zeros only there); its caller sets its final length, since a trailing hole is never written.
/// </summary>
internal static class SparseCopy
{
    private const int BufferSize = 1 << 20;
    private const int Block = 4096;
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int ENXIO = 6;

    /// <summary>Copies <paramref name="length"/> bytes; answers the bytes of the range handled (less at the source's end of file).</summary>
    public static long CopyRange(SafeFileHandle from, long fromOffset, SafeFileHandle to, long toOffset, long length)
    {
        long end = Math.Min(fromOffset + length, RandomAccess.GetLength(from));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (long position = fromOffset; position < end;)
            {
                long data = Seek(from, position, SeekData, end);
                if (data >= end)
                {
                    break;
                }

                long hole = Math.Min(Seek(from, data, SeekHole, end), end);
                CopyData(from, data, to, toOffset + (data - fromOffset), hole - data, buffer);
                position = hole;
            }

            return Math.Max(0, end - fromOffset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies data through the buffer, writing only the destination blocks that are not all zeros.</summary>
    private static void CopyData(SafeFileHandle from, long fromOffset, SafeFileHandle to, long toOffset, long length, byte[] buffer)
    {
        for (long done = 0; done < length;)
        {
            int n = PositionedRead.Fill(from, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)), fromOffset + done);
            if (n == 0)
            {
                return;
            }

            long target = toOffset + done;
            for (int piece = 0; piece < n;)
            {
                // Pieces end at the destination's block boundaries, so a skipped piece is a whole block there.
                int size = (int)Math.Min(n - piece, Block - ((target + piece) % Block));
                var bytes = buffer.AsSpan(piece, size);
                if (bytes.IndexOfAnyExcept((byte)0) >= 0)
                {
                    RandomAccess.Write(to, bytes, target + piece);
                }

                piece += size;
            }

            done += n;
        }
    }

    /// <summary>lseek with SEEK_DATA or SEEK_HOLE: <paramref name="end"/> when there is no more data; all data where the file system cannot tell.</summary>
    private static long Seek(SafeFileHandle file, long offset, int whence, long end)
    {
        if (!OperatingSystem.IsLinux())
        {
            return whence == SeekData ? offset : end;
        }

        long result = NativeMethods.LSeek((int)file.DangerousGetHandle(), offset, whence);
        if (result >= 0)
        {
            return result;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == ENXIO ? end
            : errno is NativeMethods.EINVAL or NativeMethods.EOPNOTSUPP ? (whence == SeekData ? offset : end)
            : throw UnixFileSystem.ErrnoException(errno, null);
    }
}
