using System.Globalization;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// Where the data of a GNU sparse file (<c>tar -S</c>) lies: the stored bytes, in order, are the
/// segments listed here; everything else up to <see cref="RealSize"/> is a hole (zeros). Read from the
/// old GNU header ('S' entries and their extension blocks) or from the pax records of the sparse
/// formats 0.0, 0.1 and 1.0 (in 1.0 the map is at the start of the entry's data).
/// </summary>
internal sealed class SparseMap
{
    private const int OldGnuEntries = 4;
    private const int OldGnuEntriesOffset = 386;
    private const int OldGnuExtendedOffset = 482;
    private const int OldGnuRealSizeOffset = 483;
    private const int ExtensionEntries = 21;
    private const int ExtensionExtendedOffset = 504;

    /// <summary>Reads the next bytes of the entry's data; 0 at its end.</summary>
    public delegate int DataReader(Span<byte> buffer);

    private SparseMap(IReadOnlyList<(long Offset, long Length)> segments, long realSize, long storedSize)
    {
        Segments = segments;
        RealSize = realSize;
        StoredSize = storedSize;
    }

    /// <summary>The data segments, ascending and apart; zero-length ones may mark the end.</summary>
    public IReadOnlyList<(long Offset, long Length)> Segments { get; }

    /// <summary>The size of the file, holes included.</summary>
    public long RealSize { get; }

    /// <summary>The bytes stored in the archive: the segments' lengths added up.</summary>
    public long StoredSize { get; }

    /// <summary>
    /// The map of an old GNU 'S' header: four entries in the header, more in extension blocks that
    /// <paramref name="nextBlock"/> reads (each call answers the next 512 bytes).
    /// </summary>
    public static SparseMap FromOldGnuHeader(ReadOnlySpan<byte> header, Func<byte[]> nextBlock, long storedSize, Func<string, Exception> invalid)
    {
        var segments = new List<(long, long)>();
        long realSize = TarFormat.ReadNumber(header.Slice(OldGnuRealSizeOffset, 12)) ?? throw invalid("its real size is not a number");
        bool extended = AddOldGnuEntries(header.Slice(OldGnuEntriesOffset, OldGnuEntries * 24), segments, invalid) && header[OldGnuExtendedOffset] != 0;
        while (extended)
        {
            byte[] block = nextBlock();
            extended = AddOldGnuEntries(block.AsSpan(0, ExtensionEntries * 24), segments, invalid) && block[ExtensionExtendedOffset] != 0;
        }

        return Checked(segments, realSize, storedSize, invalid);
    }

    /// <summary>The map of pax formats 0.0 and 0.1: "offset,length,offset,length,...".</summary>
    public static SparseMap FromPaxList(string list, long realSize, long storedSize, Func<string, Exception> invalid)
    {
        string[] numbers = list.Split(',');
        if (numbers.Length % 2 != 0)
        {
            throw invalid("its map has an odd count of numbers");
        }

        var segments = new List<(long, long)>(numbers.Length / 2);
        for (int i = 0; i < numbers.Length; i += 2)
        {
            segments.Add((Parse(numbers[i], invalid), Parse(numbers[i + 1], invalid)));
        }

        return Checked(segments, realSize, storedSize, invalid);
    }

    /// <summary>
    /// The map of pax format 1.0, read from the start of the entry's data with <paramref name="readData"/>:
    /// decimal numbers one per line (the count, then offset and length pairs), padded to a whole block.
    /// </summary>
    public static SparseMap FromDataPrefix(DataReader readData, long realSize, long dataSize, Func<string, Exception> invalid)
    {
        byte[] block = new byte[TarFormat.BlockSize];
        int used = block.Length;
        long consumed = 0;
        long NextNumber()
        {
            long value = 0;
            int digits = 0;
            while (true)
            {
                if (used == block.Length)
                {
                    int read = 0;
                    while (read < block.Length)
                    {
                        int n = readData(block.AsSpan(read));
                        read += n > 0 ? n : throw invalid("its map runs past its data");
                    }

                    used = 0;
                    consumed += block.Length;
                }

                byte b = block[used++];
                if (b == '\n' && digits > 0)
                {
                    return value;
                }

                if (b is < (byte)'0' or > (byte)'9' || ++digits > 18)
                {
                    throw invalid("its map is not a list of numbers");
                }

                value = (value * 10) + (b - '0');
            }
        }

        long count = NextNumber();
        if (count > dataSize / 4)
        {
            throw invalid($"its map claims {count} segments");
        }

        var segments = new List<(long, long)>((int)count);
        for (long i = 0; i < count; i++)
        {
            segments.Add((NextNumber(), NextNumber()));
        }

        return Checked(segments, realSize, dataSize - consumed, invalid);
    }

    private static bool AddOldGnuEntries(ReadOnlySpan<byte> entries, List<(long, long)> segments, Func<string, Exception> invalid)
    {
        for (int i = 0; i + 24 <= entries.Length; i += 24)
        {
            var entry = entries.Slice(i, 24);
            if (entry[12] == 0)
            {
                return false;
            }

            long offset = TarFormat.ReadNumber(entry[..12]) ?? throw invalid("an offset in its map is not a number");
            long length = TarFormat.ReadNumber(entry.Slice(12, 12)) ?? throw invalid("a length in its map is not a number");
            segments.Add((offset, length));
        }

        return true;
    }

    private static SparseMap Checked(List<(long Offset, long Length)> segments, long realSize, long storedSize, Func<string, Exception> invalid)
    {
        long end = 0;
        long total = 0;
        foreach (var (offset, length) in segments)
        {
            if (offset < end || length < 0 || offset > realSize - length)
            {
                throw invalid($"its map has a segment at {offset} of {length} bytes, out of order or past its size {realSize}");
            }

            end = offset + length;
            total += length;
        }

        if (total != storedSize)
        {
            throw invalid($"its map lists {total} bytes of data, but {storedSize} are stored");
        }

        return new SparseMap(segments, realSize, storedSize);
    }

    private static long Parse(string number, Func<string, Exception> invalid) =>
        long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : throw invalid($"'{number}' in its map is not a number");
}
