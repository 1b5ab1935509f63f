using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decoder and buffer one thread decodes whole frames of a seekable zstd file with (<see cref="ZstdSeekableStream"/>):
/// kept from frame to frame, since a new decoder would allocate its window anew each time; a decoder stopped inside a
/// frame is not used again.
/// </summary>
internal sealed class ZstdFrameReader : IDisposable
{
    private byte[] _compressed = [];
    private ZstdDecoder? _decoder;

    /// <summary>
    /// Decodes the frame of <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="file"/> into
    /// <paramref name="output"/>, which has room for one byte more than the <paramref name="size"/> the seek table lists, so a
    /// frame that holds more shows it; ArchiveCorrupt or ArchiveTruncated when it is not that frame.
    /// </summary>
    public void Decode(IPositionedReader file, long offset, int length, Span<byte> output, int size)
    {
        if (_compressed.Length < length)
        {
            _compressed = new byte[length];
        }

        var compressed = _compressed.AsSpan(0, length);
        if (file.Read(compressed, offset) != length)
        {
            throw ZstdFormat.Truncated(offset);
        }

        bool ended;
        int consumed;
        int produced;
        try
        {
            _decoder ??= ZstdCodec.CreateDecoder();
            ended = _decoder.Decompress(compressed, output[..(size + 1)], out consumed, out produced);
        }
        catch (InvalidDataException ex)
        {
            DropDecoder();
            throw ZstdFormat.Corrupt(offset, ex.Message);
        }

        if (!ended || consumed != length || produced != size)
        {
            DropDecoder();
            throw ZstdFormat.Corrupt(offset, $"the frame does not hold the {size} bytes from {length} that the seek table lists");
        }
    }

    public void Dispose() => DropDecoder();

    private void DropDecoder()
    {
        _decoder?.Dispose();
        _decoder = null;
    }
}
