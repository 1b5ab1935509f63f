using ZstdSharp.Unsafe;
using static ZstdSharp.Unsafe.Methods;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>A <see cref="ZstdDecoder"/> on ZstdSharp (where libzstd is not present).</summary>
internal sealed unsafe class ManagedZstdDecoder : ZstdDecoder
{
    private ZSTD_DCtx_s* _context = ZSTD_createDCtx();

    public override bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZSTD_inBuffer_s { src = source, size = (nuint)input.Length };
            var outBuffer = new ZSTD_outBuffer_s { dst = destination, size = (nuint)output.Length };
            nuint rc = ZSTD_decompressStream(_context, &outBuffer, &inBuffer);
            if (ZSTD_isError(rc))
            {
                throw new InvalidDataException(ZSTD_getErrorName(rc));
            }

            consumed = (int)inBuffer.pos;
            produced = (int)outBuffer.pos;
            return rc == 0;
        }
    }

    public override void Dispose()
    {
        if (_context != null)
        {
            ZSTD_freeDCtx(_context);
            _context = null;
        }
    }
}
