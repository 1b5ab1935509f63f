using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Compresses one chunk of the tar stream into a complete gzip member. Members are independent, so
/// chunks compress on every core at once and their concatenation is one valid gzip file (as pigz
/// and bgzip do); each member records its length for parallel reading.
/// </summary>
internal static unsafe class GzipChunkCompressor
{
    /// <summary>Room for the worst case: every 4 KiB run its own deflate stream or stored block.</summary>
    public static int MaxOutputLength(int inputLength) =>
        GzipFormat.OwnHeaderLength + inputLength + (inputLength >> 6) + 4096 + GzipFormat.TrailerLength;

    /// <summary>Writes the member for <paramref name="input"/> into <paramref name="output"/>; answers its length.</summary>
    /// <remarks>
    /// Incompressible runs (see <see cref="IncompressibleBlocks"/>) go in as deflate stored blocks;
    /// compressible runs through zlib, each run its own deflate stream ended by a sync flush, which
    /// leaves the output byte-aligned so the next run can follow. Only the last block is final.
    /// </remarks>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        int position = GzipFormat.OwnHeaderLength;
        var runs = IncompressibleBlocks.Runs(input);
        if (runs.Count == 0)
        {
            runs.Add((0, 0, false));
        }

        for (int i = 0; i < runs.Count; i++)
        {
            var (start, length, incompressible) = runs[i];
            bool last = i == runs.Count - 1;
            var data = input.Slice(start, length);
            position += incompressible
                ? WriteStored(data, output[position..], last)
                : Deflate(data, output[position..^GzipFormat.TrailerLength], level, last);
        }

        int total = position + GzipFormat.TrailerLength;
        GzipFormat.WriteOwnHeader(output, total, level);
        var trailer = output.Slice(position, GzipFormat.TrailerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, ZlibNative.Crc32(0, input));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)input.Length);
        return total;
    }

    private static int WriteStored(ReadOnlySpan<byte> data, Span<byte> output, bool last)
    {
        int written = 0;
        do
        {
            int length = Math.Min(data.Length, ushort.MaxValue);
            bool final = last && length == data.Length;
            output[written] = (byte)(final ? 1 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(output[(written + 1)..], (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(output[(written + 3)..], (ushort)~length);
            data[..length].CopyTo(output[(written + 5)..]);
            written += 5 + length;
            data = data[length..];
        }
        while (!data.IsEmpty);

        return written;
    }

    private static int Deflate(ReadOnlySpan<byte> data, Span<byte> output, int level, bool last)
    {
        var stream = (ZlibNative.ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZlibNative.ZStream));
        try
        {
            int rc = ZlibNative.DeflateInit2(stream, level, ZlibNative.ZDeflated, ZlibNative.RawWindowBits, 8, 0);
            if (rc != ZlibNative.ZOk)
            {
                throw new InvalidOperationException($"zlib could not start deflating ({rc}).");
            }

            fixed (byte* inPtr = data)
            fixed (byte* outPtr = output)
            {
                stream->NextIn = inPtr;
                stream->AvailIn = (uint)data.Length;
                stream->NextOut = outPtr;
                stream->AvailOut = (uint)output.Length;
                rc = ZlibNative.Deflate(stream, last ? ZlibNative.ZFinish : ZlibNative.ZSyncFlush);
                bool done = last ? rc == ZlibNative.ZStreamEnd : rc == ZlibNative.ZOk && stream->AvailIn == 0 && stream->AvailOut > 0;
                if (!done)
                {
                    throw new InvalidOperationException($"zlib did not finish a chunk: {ZlibNative.Describe(stream, rc)}.");
                }

                return (int)(stream->NextOut - outPtr);
            }
        }
        finally
        {
            ZlibNative.DeflateEnd(stream);
            NativeMemory.Free(stream);
        }
    }
}
