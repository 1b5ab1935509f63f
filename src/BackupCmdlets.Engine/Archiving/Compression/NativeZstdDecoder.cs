namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>A <see cref="ZstdDecoder"/> on libzstd.</summary>
internal sealed unsafe class NativeZstdDecoder : ZstdDecoder
{
    private readonly ZstdNative.Functions _zstd = ZstdNative.Library;
    private nint _context;

    public NativeZstdDecoder()
    {
        _context = _zstd.CreateDCtx();
        if (_context == 0)
        {
            throw new OutOfMemoryException("libzstd could not create a decompression context.");
        }
    }

    public override bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdNative.Buffer { Data = source, Size = (nuint)input.Length };
            var outBuffer = new ZstdNative.Buffer { Data = destination, Size = (nuint)output.Length };
            nuint rc = _zstd.DecompressStream(_context, &outBuffer, &inBuffer);
            if (_zstd.IsError(rc) != 0)
            {
                throw new InvalidDataException(new string(_zstd.GetErrorName(rc)));
            }

            consumed = (int)inBuffer.Pos;
            produced = (int)outBuffer.Pos;
            return rc == 0;
        }
    }

    public override void Dispose()
    {
        if (_context != 0)
        {
            _zstd.FreeDCtx(_context);
            _context = 0;
        }
    }
}
