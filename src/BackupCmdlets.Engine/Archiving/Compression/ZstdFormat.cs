using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The zstd frame format (RFC 8878) as far as the reader needs it without decoding: magic numbers,
/// the frame header and the block headers, which give a frame's length; and the seek table of the
/// zstd seekable format, which other readers skip as a skippable frame.
/// </summary>
internal static class ZstdFormat
{
    public const uint FrameMagic = 0xFD2FB528;
    public const uint SkippableMagicFirst = 0x184D2A50;
    public const uint SeekTableMagic = 0x184D2A5E;
    public const uint SeekableFooterMagic = 0x8F92EAB1;
    public const int MagicLength = 4;
    public const int SkippableHeaderLength = 8;
    public const int BlockHeaderLength = 3;
    public const int ChecksumLength = 4;
    public const int MaxBlockSize = 128 << 10;
    public const int SeekTableEntryLength = 8;
    public const int SeekTableFooterLength = 9;

    /// <summary>The largest window read: zstd's own default limit, beyond which it asks for --memory.</summary>
    public const long MaxWindowSize = 128 << 20;

    /// <summary>The longest a frame header can be.</summary>
    public const int MaxHeaderLength = 18;

    public static bool IsFrame(ReadOnlySpan<byte> data) => data.Length >= MagicLength && BinaryPrimitives.ReadUInt32LittleEndian(data) == FrameMagic;

    public static bool IsSkippableFrame(ReadOnlySpan<byte> data) => data.Length >= MagicLength && (BinaryPrimitives.ReadUInt32LittleEndian(data) & 0xFFFFFFF0) == SkippableMagicFirst;

    /// <summary>Whether <paramref name="rest"/>, the last bytes of a file, are the start of a frame's magic number cut short.</summary>
    public static bool IsCutMagic(ReadOnlySpan<byte> rest)
    {
        Span<byte> frame = stackalloc byte[MagicLength];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, FrameMagic);
        return rest.Length is > 0 and < MagicLength
            && (frame.StartsWith(rest) || (rest[0] is >= 0x50 and <= 0x5F && ((ReadOnlySpan<byte>)[0x2A, 0x4D, 0x18]).StartsWith(rest[1..])));
    }

    /// <summary>
    /// Reads the header of the frame at the start of <paramref name="data"/> (which holds at least
    /// <see cref="MaxHeaderLength"/> bytes or the rest of the file). A frame this reader cannot decode
    /// within its memory (a window above <see cref="MaxWindowSize"/>) or without a dictionary is
    /// UnsupportedCompression; a header zstd would refuse is ArchiveCorrupt.
    /// </summary>
    public static FrameHeader ReadHeader(ReadOnlySpan<byte> data, long offset)
    {
        if (data.Length < MagicLength + 1)
        {
            throw Truncated(offset + data.Length);
        }

        byte descriptor = data[4];
        int contentSizeFlag = descriptor >> 6;
        bool singleSegment = (descriptor & 0x20) != 0;
        bool hasChecksum = (descriptor & 0x04) != 0;
        int dictionaryFlag = descriptor & 0x03;
        if ((descriptor & 0x08) != 0)
        {
            throw Corrupt(offset + 4, "a reserved bit of the frame header is set");
        }

        int dictionaryLength = dictionaryFlag == 3 ? 4 : dictionaryFlag;
        int contentSizeLength = contentSizeFlag switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        int length = MagicLength + 1 + (singleSegment ? 0 : 1) + dictionaryLength + contentSizeLength;
        if (data.Length < length)
        {
            throw Truncated(offset + data.Length);
        }

        int at = MagicLength + 1;
        long windowSize = 0;
        if (!singleSegment)
        {
            byte window = data[at++];
            int windowLog = 10 + (window >> 3);
            long windowBase = 1L << windowLog;
            windowSize = windowBase + (windowBase / 8 * (window & 7));
        }

        uint dictionary = dictionaryLength switch
        {
            0 => 0,
            1 => data[at],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(data[at..]),
        };
        at += dictionaryLength;
        long? contentSize = contentSizeLength switch
        {
            0 => null,
            1 => data[at],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]) + 256,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(data[at..]),
            _ => (long)BinaryPrimitives.ReadUInt64LittleEndian(data[at..]),
        };
        if (singleSegment)
        {
            // A negative size is one above long.MaxValue: more than any window allowed.
            windowSize = contentSize!.Value < 0 ? long.MaxValue : contentSize.Value;
        }

        if (windowSize > MaxWindowSize)
        {
            throw new BackupException(Errors.UnsupportedCompression, $"The zstd frame at compressed offset {offset} needs a window of {windowSize} bytes, more than the {MaxWindowSize >> 20} MiB read (as zstd, which asks for --memory).", offset: offset);
        }

        if (dictionary != 0)
        {
            throw new BackupException(Errors.UnsupportedCompression, $"The zstd frame at compressed offset {offset} needs dictionary {dictionary}, which is not at hand.", offset: offset);
        }

        return new FrameHeader(length, contentSize, hasChecksum, (int)windowSize);
    }

    /// <summary>Reads a block header: whether it is the frame's last block, its type, and its size field.</summary>
    public static (bool Last, BlockType Type, int Size) ReadBlockHeader(ReadOnlySpan<byte> data)
    {
        int header = data[0] | (data[1] << 8) | (data[2] << 16);
        return ((header & 1) != 0, (BlockType)((header >> 1) & 3), header >> 3);
    }

    /// <summary>Writes the seek table frame for frames of the given compressed and decompressed sizes (no checksums: each frame carries its own).</summary>
    public static byte[] SeekTable(IReadOnlyList<(int Compressed, int Decompressed)> frames)
    {
        int contentLength = (frames.Count * SeekTableEntryLength) + SeekTableFooterLength;
        byte[] table = new byte[SkippableHeaderLength + contentLength];
        var span = table.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, SeekTableMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)contentLength);
        int at = SkippableHeaderLength;
        foreach (var (compressed, decompressed) in frames)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], (uint)decompressed);
            at += SeekTableEntryLength;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)frames.Count);
        span[at + 4] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 5)..], SeekableFooterMagic);
        return table;
    }

    public static BackupException Corrupt(long offset, string what) =>
        new(Errors.ArchiveCorrupt, $"Corrupt zstd data at compressed offset {offset}: {what}.", offset: offset);

    public static BackupException Truncated(long offset) =>
        new(Errors.ArchiveTruncated, $"The archive is truncated: the compressed data ends at offset {offset} in the middle of a zstd frame.", offset: offset);

    public enum BlockType
    {
        Raw = 0,
        Rle = 1,
        Compressed = 2,
        Reserved = 3,
    }

    /// <summary>What a frame header says: its length, the content size when given, and whether a content checksum ends the frame.</summary>
    /// <summary>A frame header: its length, content size when given, whether a checksum ends the frame, and the window its matches may reach back.</summary>
    public readonly record struct FrameHeader(int Length, long? ContentSize, bool HasChecksum, int WindowSize)
    {
        /// <summary>
        /// The part of <paramref name="output"/> to decode into next. Never more than the window: given room for
        /// the whole content at once, a decoder decodes in one pass and no longer holds matches to the window,
        /// which zstd does.
        /// </summary>
        public Span<byte> Room(Span<byte> output) => output[..Math.Min(output.Length, WindowSize)];
    }
}
