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
    public static int MaxOutputLength(int inputLength) =>
        GzipFormat.OwnHeaderLength + inputLength + (inputLength >> 8) + 1024 + GzipFormat.TrailerLength;

    /// <summary>Writes the member for <paramref name="input"/> into <paramref name="output"/>; answers its length.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        var stream = (ZlibNative.ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZlibNative.ZStream));
        try
        {
            int rc = ZlibNative.DeflateInit2(stream, level, ZlibNative.ZDeflated, ZlibNative.RawWindowBits, 8, 0);
            if (rc != ZlibNative.ZOk)
            {
                throw new InvalidOperationException($"zlib could not start deflating ({rc}).");
            }

            int bodyLength;
            fixed (byte* inPtr = input)
            fixed (byte* outPtr = output)
            {
                stream->NextIn = inPtr;
                stream->AvailIn = (uint)input.Length;
                stream->NextOut = outPtr + GzipFormat.OwnHeaderLength;
                stream->AvailOut = (uint)(output.Length - GzipFormat.OwnHeaderLength - GzipFormat.TrailerLength);
                rc = ZlibNative.Deflate(stream, ZlibNative.ZFinish);
                if (rc != ZlibNative.ZStreamEnd)
                {
                    throw new InvalidOperationException($"zlib did not finish a chunk: {ZlibNative.Describe(stream, rc)}.");
                }

                bodyLength = (int)(stream->NextOut - (outPtr + GzipFormat.OwnHeaderLength));
            }

            int total = GzipFormat.OwnHeaderLength + bodyLength + GzipFormat.TrailerLength;
            GzipFormat.WriteOwnHeader(output, total, level);
            var trailer = output.Slice(GzipFormat.OwnHeaderLength + bodyLength, GzipFormat.TrailerLength);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, ZlibNative.Crc32(0, input));
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)input.Length);
            return total;
        }
        finally
        {
            ZlibNative.DeflateEnd(stream);
            NativeMemory.Free(stream);
        }
    }
}
