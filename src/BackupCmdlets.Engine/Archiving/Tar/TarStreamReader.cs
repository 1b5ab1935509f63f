using System.Globalization;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// Reads entries from a (decompressed) tar stream: ustar, GNU (long names 'L'/'K', base-256
/// numbers, sparse files) and pax ('x', 'g'). Every header checksum is checked, and a stream that
/// ends before the end-of-archive marker is reported as truncated with the offset where it ends.
/// Every field used is checked too: one that is not a number, or out of the range the entry's kind
/// of value can take, makes the archive corrupt (ArchiveCorrupt, naming the entry and the offset of
/// the block holding the field), as a bad checksum does.
/// </summary>
internal sealed partial class TarStreamReader
{
    private const int ExtendedLimit = 16 << 20;
    private const int DumpDirectoryLimit = 64 << 20;
    private readonly Stream _stream;
    private readonly byte[] _block = new byte[TarFormat.BlockSize];
    private readonly Dictionary<string, string> _globalPax = new(StringComparer.Ordinal);
    private long _globalPaxOffset;
    private long _dataRemaining;
    private long _paddingRemaining;

    public TarStreamReader(Stream stream) => _stream = stream;

    /// <summary>Offset in the tar stream of the next byte to read.</summary>
    public long Position { get; private set; }

    /// <summary>The next entry, or null at the end-of-archive marker. Unread data of the previous entry is skipped.</summary>
    public TarEntryHeader? Next()
    {
        SkipData();
        Dictionary<string, string>? pax = null;
        long paxOffset = 0;
        long extended = 0;
        string? longName = null;
        string? longLink = null;
        while (true)
        {
            long offset = Position;
            if (!ReadBlock(allowEnd: true))
            {
                throw Truncated(offset, "before the end-of-archive marker");
            }

            if (_block.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                // End of archive: a zero block (GNU tar writes two; a lone one at end of file is accepted).
                long second = Position;
                if (ReadBlock(allowEnd: true) && _block.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
                {
                    throw new BackupException(Errors.ArchiveCorrupt, $"A lone zero block at offset {offset} is followed by data at offset {second}.", offset: offset);
                }

                return null;
            }

            CheckChecksum(offset);
            char type = (char)_block[TarFormat.TypeOffset];
            long size = Number(TarFormat.SizeOffset, 12, "size", 0, long.MaxValue, entry: null, offset);
            switch (type)
            {
                case 'x':
                    pax ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    paxOffset = offset;
                    ParsePax(ReadMeta(size, offset, ref extended), pax, offset);
                    continue;
                case 'g':
                    _globalPaxOffset = offset;
                    long global = _globalPax.Sum(p => (long)p.Key.Length + p.Value.Length);
                    ParsePax(ReadMeta(size, offset, ref global), _globalPax, offset);
                    continue;
                case 'L':
                    longName = TarFormat.ReadString(ReadMeta(size, offset, ref extended));
                    continue;
                case 'K':
                    longLink = TarFormat.ReadString(ReadMeta(size, offset, ref extended));
                    continue;
                case 'V':
                    StartData(size);
                    SkipData();
                    continue;
            }

            var header = Decode(offset, type, size, pax, paxOffset, longName, longLink, out var sparse);
            if (type == 'D')
            {
                return ReadDumpDirectory(header);
            }

            if (header.Type == TarEntryType.Directory && pax?.GetValueOrDefault("GNU.dumpdir") is { } listed)
            {
                // GNU tar's pax format keeps a dumpdir in a record of a plain folder's extended header.
                StartData(0);
                return WithDumpDirectory(header, FileNameEncoding.GetBytes(listed));
            }

            if (header.Type == TarEntryType.File && (type == 'S' || sparse is not null))
            {
                return ReadSparse(header, type, sparse ?? [], offset);
            }

            StartData(header.DataSize);
            return header;
        }
    }

    /// <summary>Reads content of the current entry; 0 at its end.</summary>
    public int ReadData(Span<byte> buffer)
    {
        if (_dataRemaining == 0)
        {
            return 0;
        }

        int want = (int)Math.Min(buffer.Length, _dataRemaining);
        int n = _stream.Read(buffer[..want]);
        if (n == 0)
        {
            throw Truncated(Position, "inside an entry's data");
        }

        _dataRemaining -= n;
        Position += n;
        return n;
    }

    /// <summary>Skips the rest of the current entry's data and padding.</summary>
    public void SkipData()
    {
        long skip = _dataRemaining + _paddingRemaining;
        if (skip == 0)
        {
            return;
        }

        if (_stream.CanSeek && _stream.Position + skip <= _stream.Length)
        {
            _stream.Seek(skip, SeekOrigin.Current);
            Position += skip;
        }
        else
        {
            byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                while (skip > 0)
                {
                    int n = _stream.Read(scratch, 0, (int)Math.Min(scratch.Length, skip));
                    if (n == 0)
                    {
                        throw Truncated(Position, "inside an entry's data");
                    }

                    skip -= n;
                    Position += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        _dataRemaining = 0;
        _paddingRemaining = 0;
    }

    private void StartData(long size)
    {
        _dataRemaining = size;
        _paddingRemaining = TarFormat.PaddedSize(size) - size;
    }

    private TarEntryHeader Decode(long offset, char type, long size, Dictionary<string, string>? pax, long paxOffset, string? longName, string? longLink, out Dictionary<string, string>? sparse)
    {
        sparse = null;
        var block = _block.AsSpan();
        bool ustar = block.Slice(TarFormat.MagicOffset, 5).SequenceEqual("ustar"u8);
        string name = longName ?? RawName();
        string link = longLink ?? TarFormat.ReadString(block.Slice(TarFormat.LinkNameOffset, TarFormat.NameLength));
        string user = ustar ? TarFormat.ReadString(block.Slice(TarFormat.UserNameOffset, TarFormat.OwnerNameLength)) : "";
        string group = ustar ? TarFormat.ReadString(block.Slice(TarFormat.GroupNameOffset, TarFormat.OwnerNameLength)) : "";
        foreach (var (records, _) in Extended(pax, paxOffset))
        {
            name = records.GetValueOrDefault("path", name);
            link = records.GetValueOrDefault("linkpath", link);
            user = records.GetValueOrDefault("uname", user);
            group = records.GetValueOrDefault("gname", group);
        }

        int mode = (int)Number(TarFormat.ModeOffset, 8, "mode", 0, TarFormat.MaxOctal7, name, offset) & 0xFFF;
        long uid = Number(TarFormat.UidOffset, 8, "uid", 0, uint.MaxValue, name, offset);
        long gid = Number(TarFormat.GidOffset, 8, "gid", 0, uint.MaxValue, name, offset);
        var mtime = new UnixTime(Number(TarFormat.MtimeOffset, 12, "mtime", UnixTime.MinSeconds, UnixTime.MaxSeconds, name, offset), 0);
        bool device = type is '3' or '4';
        int major = ustar && device ? (int)Number(TarFormat.DevMajorOffset, 8, "devmajor", 0, int.MaxValue, name, offset) : 0;
        int minor = ustar && device ? (int)Number(TarFormat.DevMinorOffset, 8, "devminor", 0, int.MaxValue, name, offset) : 0;
        foreach (var (records, recordsOffset) in Extended(pax, paxOffset))
        {
            foreach (var (key, value) in records)
            {
                switch (key)
                {
                    case "size": size = PaxInteger(key, value, 0, long.MaxValue, name, recordsOffset); break;
                    case "uid": uid = PaxInteger(key, value, 0, uint.MaxValue, name, recordsOffset); break;
                    case "gid": gid = PaxInteger(key, value, 0, uint.MaxValue, name, recordsOffset); break;
                    case "mtime": mtime = PaxTime(key, value, name, recordsOffset); break;
                    case "atime" or "ctime": PaxTime(key, value, name, recordsOffset); break;
                    default:
                        if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                        {
                            (sparse ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
                        }

                        break;
                }
            }
        }

        if (sparse?.GetValueOrDefault("GNU.sparse.name") is { } realName)
        {
            name = realName;
        }

        var entryType = type switch
        {
            '0' or '\0' or '7' => name.EndsWith('/') ? TarEntryType.Directory : TarEntryType.File,
            '1' => TarEntryType.HardLink,
            '2' => TarEntryType.SymbolicLink,
            '3' => TarEntryType.CharacterDevice,
            '4' => TarEntryType.BlockDevice,
            '5' or 'D' => TarEntryType.Directory,
            '6' => TarEntryType.Fifo,
            _ => TarEntryType.File,
        };
        if (entryType != TarEntryType.File && entryType != TarEntryType.Directory)
        {
            size = 0;
        }
        else if (entryType == TarEntryType.Directory)
        {
            // GNU dump directories ('D') carry data; plain directories have none.
            size = type == 'D' ? size : 0;
        }

        return new TarEntryHeader(name, entryType, mode, uid, gid, user, group, size, mtime, link, major, minor)
        {
            Offset = offset,
            Xattrs = EntryXattrs.FromRecords(Extended(pax, paxOffset).SelectMany(e => e.Records)),
        };
    }

    /// <summary>
    /// Reads the list of names of a GNU dumpdir (typeflag 'D'). One without data is a plain folder, as
    /// GNU tar takes it; a malformed list is a <see cref="TarEntryException"/> after which reading goes on.
    /// </summary>
    private TarEntryHeader ReadDumpDirectory(TarEntryHeader header)
    {
        long size = header.Size;
        long offset = header.Offset;
        StartData(size);
        if (size == 0)
        {
            return header;
        }

        if (size > DumpDirectoryLimit)
        {
            SkipData();
            throw new TarEntryException(Errors.ArchiveCorrupt, header.Name, offset, $"The dumpdir of '{header.Name}' at offset {offset} is corrupt: it claims {size} bytes, more than the {DumpDirectoryLimit} a reader keeps.");
        }

        byte[] data = new byte[size];
        int read = 0;
        while (read < size)
        {
            read += ReadData(data.AsSpan(read));
        }

        SkipData();
        return WithDumpDirectory(header, data);
    }

    private static TarEntryHeader WithDumpDirectory(TarEntryHeader header, byte[] data)
    {
        var names = DumpDirectoryFormat.Parse(data, out string? malformed)
            ?? throw new TarEntryException(Errors.ArchiveCorrupt, header.Name, header.Offset, $"The dumpdir of '{header.Name}' at offset {header.Offset} is corrupt: {malformed}.");
        return header with { Size = 0, DumpDirectory = names, DumpDirectoryData = data };
    }

    /// <summary>The global pax records, then the entry's own, each with the offset of the header that held them.</summary>
    private IEnumerable<(Dictionary<string, string> Records, long Offset)> Extended(Dictionary<string, string>? pax, long paxOffset)
    {
        yield return (_globalPax, _globalPaxOffset);
        if (pax is not null)
        {
            yield return (pax, paxOffset);
        }
    }

    /// <summary>The name in the current block (prefix and name for ustar), before long-name and pax records.</summary>
    private string RawName()
    {
        var block = _block.AsSpan();
        string name = TarFormat.ReadString(block[..TarFormat.NameLength]);
        return block[TarFormat.PrefixOffset] != 0 && block.Slice(TarFormat.MagicOffset, 8).SequenceEqual("ustar\u000000"u8)
            ? TarFormat.ReadString(block.Slice(TarFormat.PrefixOffset, TarFormat.PrefixLength)) + "/" + name
            : name;
    }

    /// <summary>
    /// A numeric field of the current block, which must be a number from <paramref name="min"/> to
    /// <paramref name="max"/>; errors name <paramref name="entry"/>, or the block's own name when null.
    /// </summary>
    private long Number(int fieldOffset, int length, string field, long min, long max, string? entry, long offset)
    {
        var bytes = _block.AsSpan(fieldOffset, length);
        long? value = TarFormat.ReadNumber(bytes);
        if (value is null)
        {
            throw Corrupt("tar header", entry ?? RawName(), offset, $"its {field} field ({Convert.ToHexString(bytes)}) is not a number");
        }

        return value >= min && value <= max
            ? value.Value
            : throw Corrupt("tar header", entry ?? RawName(), offset, $"its {field} {value} is out of range ({min} to {max})");
    }

    private static long PaxInteger(string key, string value, long min, long max, string entry, long offset) =>
        !PaxRecords.TryParseInteger(value, out long result) ? throw Corrupt("pax header", entry, offset, $"its record {key}={value} is not a number")
        : result < min || result > max ? throw Corrupt("pax header", entry, offset, $"its record {key}={value} is out of range ({min} to {max})")
        : result;

    private static UnixTime PaxTime(string key, string value, string entry, long offset) =>
        !PaxRecords.TryParseTime(value, out var time) ? throw Corrupt("pax header", entry, offset, $"its record {key}={value} is not a time")
        : time.Seconds < UnixTime.MinSeconds || time.Seconds > UnixTime.MaxSeconds ? throw Corrupt("pax header", entry, offset, $"its record {key}={value} is out of range (years 1 to 9999)")
        : time;

    private static BackupException Corrupt(string what, string entry, long offset, string why) =>
        new(Errors.ArchiveCorrupt, $"The {what} of '{entry}' at offset {offset} is corrupt: {why}.", offset: offset);

    private void CheckChecksum(long offset)
    {
        long? stored = TarFormat.ReadNumber(_block.AsSpan(TarFormat.ChecksumOffset, 8));
        var (unsignedSum, signedSum) = TarFormat.Checksums(_block);
        if (stored != unsignedSum && stored != signedSum)
        {
            throw new BackupException(
                Errors.HeaderChecksumMismatch,
                $"The tar header at offset {offset} is corrupt: its checksum is {(stored is null ? "unreadable" : stored.Value.ToString(CultureInfo.InvariantCulture))}, the block sums to {unsignedSum}.", offset: offset);
        }
    }

    /// <summary>
    /// The data of an extended header (pax records, a GNU long name) at <paramref name="offset"/>, added
    /// to <paramref name="held"/>: what one entry's extended headers hold, and what the global records
    /// hold, is bounded.
    /// </summary>
    private byte[] ReadMeta(long size, long offset, ref long held)
    {
        held += size;
        if (held > ExtendedLimit)
        {
            throw Corrupt("extended header", RawName(), offset, $"it brings the extended data held to {held} bytes, more than the {ExtendedLimit} a reader keeps");
        }

        byte[] data = new byte[size];
        StartData(size);
        int read = 0;
        while (read < size)
        {
            read += ReadData(data.AsSpan(read));
        }

        SkipData();
        return data;
    }

    private void ParsePax(byte[] data, Dictionary<string, string> into, long offset)
    {
        if (PaxRecords.Parse(data, into) is { } malformed)
        {
            throw Corrupt("pax header", RawName(), offset, malformed);
        }
    }

    private bool ReadBlock(bool allowEnd)
    {
        int read = 0;
        while (read < TarFormat.BlockSize)
        {
            int n = _stream.Read(_block, read, TarFormat.BlockSize - read);
            if (n == 0)
            {
                if (read == 0 && allowEnd)
                {
                    return false;
                }

                throw Truncated(Position + read, "inside a header block");
            }

            read += n;
        }

        Position += TarFormat.BlockSize;
        return true;
    }

    private static BackupException Truncated(long offset, string where) =>
        new(Errors.ArchiveTruncated, $"The archive is truncated: the tar data ends at offset {offset}, {where}.", offset: offset);
}
