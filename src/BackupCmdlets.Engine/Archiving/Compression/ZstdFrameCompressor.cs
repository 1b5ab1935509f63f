using ZstdSharp.Unsafe;
using static ZstdSharp.Unsafe.Methods;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Compresses one chunk of the tar stream into one complete zstd frame with its content size and
/// content checksum. Frames are independent, so chunks compress on every core at once and their
/// concatenation is one valid zstd file; libzstd does the work where present, else ZstdSharp.
/// </summary>
internal static unsafe class ZstdFrameCompressor
{
    // The parameter ids of zstd.h.
    private const int CompressionLevelParameter = 100;
    private const int ChecksumFlagParameter = 201;

    /// <summary>Room for the worst case of one frame (zstd.h's ZSTD_COMPRESSBOUND).</summary>
    public static int MaxOutputLength(int inputLength) =>
        inputLength + (inputLength >> 8) + (inputLength < (128 << 10) ? ((128 << 10) - inputLength) >> 11 : 0);

    /// <summary>Writes the frame for <paramref name="input"/> into <paramref name="output"/>; answers its length.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int level) =>
        ZstdCodec.Native ? CompressNative(input, output, level) : CompressManaged(input, output, level);

    private static int CompressNative(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        var zstd = ZstdNative.Library;
        nint context = zstd.CreateCCtx();
        if (context == 0)
        {
            throw new OutOfMemoryException("libzstd could not create a compression context.");
        }

        try
        {
            CheckNative(zstd, zstd.CCtxSetParameter(context, CompressionLevelParameter, level));
            CheckNative(zstd, zstd.CCtxSetParameter(context, ChecksumFlagParameter, 1));
            fixed (byte* source = input)
            fixed (byte* destination = output)
            {
                return (int)CheckNative(zstd, zstd.Compress2(context, destination, (nuint)output.Length, source, (nuint)input.Length));
            }
        }
        finally
        {
            zstd.FreeCCtx(context);
        }
    }

    private static nuint CheckNative(ZstdNative.Functions zstd, nuint rc) =>
        zstd.IsError(rc) != 0 ? throw new InvalidOperationException($"libzstd could not compress a chunk: {new string(zstd.GetErrorName(rc))}.") : rc;

    private static int CompressManaged(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        var context = ZSTD_createCCtx();
        try
        {
            CheckManaged(ZSTD_CCtx_setParameter(context, ZSTD_cParameter.ZSTD_c_compressionLevel, level));
            CheckManaged(ZSTD_CCtx_setParameter(context, ZSTD_cParameter.ZSTD_c_checksumFlag, 1));
            fixed (byte* source = input)
            fixed (byte* destination = output)
            {
                return (int)CheckManaged(ZSTD_compress2(context, destination, (nuint)output.Length, source, (nuint)input.Length));
            }
        }
        finally
        {
            ZSTD_freeCCtx(context);
        }
    }

    private static nuint CheckManaged(nuint rc) =>
        ZSTD_isError(rc) ? throw new InvalidOperationException($"ZstdSharp could not compress a chunk: {ZSTD_getErrorName(rc)}.") : rc;
}
