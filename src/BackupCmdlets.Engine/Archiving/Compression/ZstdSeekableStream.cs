using System.Buffers.Binary;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a zstd file in the seekable format (as New-TarArchive writes it), read
/// through its seek table: seeking costs nothing and only the frames read from are decoded, so a tar
/// reader that seeks over entry data lists an archive without inflating all of it. Used only when the
/// table agrees with the file (its sizes add up to the file's, every frame it lists begins where it
/// says and gives the size it lists); otherwise <see cref="TryOpen"/> answers null and the file is read
/// in order, the table passed over as zstd passes over it. Frames skipped are not checked: that is
/// Test-Archive's work, which reads in order.
/// </summary>
internal sealed class ZstdSeekableStream : Stream
{
    private const int FrameLimit = 8 << 20;
    private readonly IPositionedReader _file;
    private readonly long[] _compressedStarts;
    private readonly long[] _decompressedStarts;
    private readonly ZstdFrameReader _reader = new();
    private byte[] _frame = [];
    private int _frameIndex = -1;
    private long _position;

    private ZstdSeekableStream(IPositionedReader file, long[] compressedStarts, long[] decompressedStarts)
    {
        _file = file;
        _compressedStarts = compressedStarts;
        _decompressedStarts = decompressedStarts;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _decompressedStarts[^1];

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Where in the file the frame read last begins (for progress).</summary>
    public long CompressedBytesRead => _frameIndex < 0 ? 0 : _compressedStarts[_frameIndex];

    /// <summary>Frames decoded so far (by reads of the stream).</summary>
    public int FramesDecoded { get; private set; }

    /// <summary>How many frames the seek table lists.</summary>
    public int FrameCount => _compressedStarts.Length - 1;

    /// <summary>The content size of frame <paramref name="index"/>.</summary>
    public int FrameSize(int index) => (int)(_decompressedStarts[index + 1] - _decompressedStarts[index]);

    /// <summary>
    /// Decodes frame <paramref name="index"/> into <paramref name="output"/> (at least its size plus one byte) with
    /// <paramref name="reader"/>: frames decode on several threads at once, each with a reader of its own.
    /// </summary>
    public void DecodeFrame(int index, ZstdFrameReader reader, byte[] output)
    {
        long offset = _compressedStarts[index];
        reader.Decode(_file, offset, (int)(_compressedStarts[index + 1] - offset), output, FrameSize(index));
    }

    /// <summary>
    /// The stream over the file's seek table, or null when it has none that agrees with the file. The stream reads
    /// <paramref name="file"/> (from several threads at once when frames decode in parallel) and leaves it open.
    /// </summary>
    public static ZstdSeekableStream? TryOpen(IPositionedReader file)
    {
        long fileLength = file.Length;
        Span<byte> footer = stackalloc byte[ZstdFormat.SeekTableFooterLength];
        if (fileLength < ZstdFormat.SkippableHeaderLength + footer.Length || file.Read(footer, fileLength - footer.Length) != footer.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(footer[5..]) != ZstdFormat.SeekableFooterMagic || (footer[4] & 0x7C) != 0)
        {
            return null;
        }

        long frames = BinaryPrimitives.ReadUInt32LittleEndian(footer);
        int entryLength = (footer[4] & 0x80) != 0 ? ZstdFormat.SeekTableEntryLength + 4 : ZstdFormat.SeekTableEntryLength;
        long tableLength = ZstdFormat.SkippableHeaderLength + (frames * entryLength) + footer.Length;
        if (frames == 0 || tableLength > fileLength)
        {
            return null;
        }

        byte[] table = new byte[tableLength];
        long tableStart = fileLength - tableLength;
        if (file.Read(table, tableStart) != table.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(table) != ZstdFormat.SeekTableMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4)) != tableLength - ZstdFormat.SkippableHeaderLength)
        {
            return null;
        }

        long[] compressedStarts = new long[frames + 1];
        long[] decompressedStarts = new long[frames + 1];
        byte[] header = new byte[ZstdFormat.MaxHeaderLength];
        for (int i = 0; i < frames; i++)
        {
            var entry = table.AsSpan(ZstdFormat.SkippableHeaderLength + (i * entryLength));
            uint compressed = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            uint decompressed = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
            compressedStarts[i + 1] = compressedStarts[i] + compressed;
            decompressedStarts[i + 1] = decompressedStarts[i] + decompressed;
            if (compressed > FrameLimit || decompressed > FrameLimit || compressedStarts[i + 1] > tableStart
                || !DescribesFrame(file, header, compressedStarts[i], compressed, decompressed))
            {
                return null;
            }
        }

        return compressedStarts[^1] == tableStart ? new ZstdSeekableStream(file, compressedStarts, decompressedStarts) : null;
    }

    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length && _position < Length)
        {
            int index = Array.BinarySearch(_decompressedStarts, _position);
            index = index >= 0 ? index : ~index - 1;
            if (index != _frameIndex)
            {
                Decode(index);
            }

            int at = (int)(_position - _decompressedStarts[index]);
            int n = Math.Min(buffer.Length - total, (int)(_decompressedStarts[index + 1] - _position));
            _frame.AsSpan(at, n).CopyTo(buffer[total..]);
            total += n;
            _position += n;
        }

        return total;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Whether the file holds, at <paramref name="offset"/>, a frame whose header gives the size the table lists.</summary>
    private static bool DescribesFrame(IPositionedReader file, byte[] header, long offset, uint compressed, uint decompressed)
    {
        int read = file.Read(header.AsSpan(0, (int)Math.Min(header.Length, compressed)), offset);
        if (!ZstdFormat.IsFrame(header.AsSpan(0, read)))
        {
            return false;
        }

        try
        {
            return ZstdFormat.ReadHeader(header.AsSpan(0, read), offset).ContentSize == decompressed;
        }
        catch (BackupException)
        {
            // A frame read in order reports what is wrong with it.
            return false;
        }
    }

    private void Decode(int index)
    {
        int size = FrameSize(index);
        if (_frame.Length < size + 1)
        {
            _frame = new byte[size + 1];
        }

        _frameIndex = -1;
        DecodeFrame(index, _reader, _frame);
        _frameIndex = index;
        FramesDecoded++;
    }
}
