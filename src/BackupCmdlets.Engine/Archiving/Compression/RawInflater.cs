namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>A raw (headerless) inflate state from the runtime's zlib; the caller feeds input and reads where the stream ended.</summary>
internal sealed unsafe class RawInflater : IDisposable
{
    private ZlibNative.ZStream* _stream;

    public RawInflater()
    {
        _stream = (ZlibNative.ZStream*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(ZlibNative.ZStream));
        int rc = ZlibNative.InflateInit2(_stream, ZlibNative.RawWindowBits);
        if (rc != ZlibNative.ZOk)
        {
            System.Runtime.InteropServices.NativeMemory.Free(_stream);
            _stream = null;
            throw new InvalidOperationException($"zlib could not start inflating ({rc}).");
        }
    }

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/>. Answers bytes consumed
    /// and produced, and whether the deflate stream ended; throws InvalidDataException on corrupt data.
    /// </summary>
    public (int Consumed, int Produced, bool Ended) Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            _stream->NextIn = inPtr;
            _stream->AvailIn = (uint)input.Length;
            _stream->NextOut = outPtr;
            _stream->AvailOut = (uint)output.Length;
            int rc = ZlibNative.Inflate(_stream, ZlibNative.ZNoFlush);
            int consumed = input.Length - (int)_stream->AvailIn;
            int produced = output.Length - (int)_stream->AvailOut;
            return rc switch
            {
                ZlibNative.ZOk => (consumed, produced, false),
                ZlibNative.ZStreamEnd => (consumed, produced, true),
                ZlibNative.ZBufError => (consumed, produced, false),
                _ => throw new InvalidDataException($"Corrupt deflate data: {ZlibNative.Describe(_stream, rc)}."),
            };
        }
    }

    public void Dispose()
    {
        if (_stream != null)
        {
            ZlibNative.InflateEnd(_stream);
            System.Runtime.InteropServices.NativeMemory.Free(_stream);
            _stream = null;
        }
    }
}
