using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// Reads entries from a (decompressed) tar stream: ustar, GNU (long names 'L'/'K', base-256
/// numbers, sparse files) and pax ('x', 'g'). Every header checksum is checked, and a stream that
/// ends before the end-of-archive marker is reported as truncated with the offset where it ends.
/// </summary>
internal sealed partial class TarStreamReader
{
    private readonly Stream _stream;
    private readonly byte[] _block = new byte[TarFormat.BlockSize];
    private readonly Dictionary<string, string> _globalPax = new(StringComparer.Ordinal);
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
                    throw new BackupException(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"A lone zero block at offset {offset} is followed by data at offset {second}.");
                }

                return null;
            }

            CheckChecksum(offset);
            char type = (char)_block[TarFormat.TypeOffset];
            long size = TarFormat.ReadNumber(_block.AsSpan(TarFormat.SizeOffset, 12))
                ?? throw new BackupException(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"The tar header at offset {offset} has an invalid size field.");
            switch (type)
            {
                case 'x':
                    pax ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    ParsePax(ReadMeta(size, offset), pax, offset);
                    continue;
                case 'g':
                    ParsePax(ReadMeta(size, offset), _globalPax, offset);
                    continue;
                case 'L':
                    longName = TarFormat.ReadString(ReadMeta(size, offset));
                    continue;
                case 'K':
                    longLink = TarFormat.ReadString(ReadMeta(size, offset));
                    continue;
                case 'V':
                    StartData(size);
                    SkipData();
                    continue;
            }

            var header = Decode(offset, type, size, pax, longName, longLink, out var sparse);
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

    private TarEntryHeader Decode(long offset, char type, long size, Dictionary<string, string>? pax, string? longName, string? longLink, out Dictionary<string, string>? sparse)
    {
        sparse = null;
        var block = _block.AsSpan();
        string name = TarFormat.ReadString(block[..TarFormat.NameLength]);
        bool ustar = block.Slice(TarFormat.MagicOffset, 5).SequenceEqual("ustar"u8);
        if (ustar && block[TarFormat.PrefixOffset] != 0 && block.Slice(TarFormat.MagicOffset, 8).SequenceEqual("ustar\u000000"u8))
        {
            name = TarFormat.ReadString(block.Slice(TarFormat.PrefixOffset, TarFormat.PrefixLength)) + "/" + name;
        }

        string link = TarFormat.ReadString(block.Slice(TarFormat.LinkNameOffset, TarFormat.NameLength));
        int mode = (int)(TarFormat.ReadNumber(block.Slice(TarFormat.ModeOffset, 8)) ?? 0) & 0xFFF;
        long uid = TarFormat.ReadNumber(block.Slice(TarFormat.UidOffset, 8)) ?? 0;
        long gid = TarFormat.ReadNumber(block.Slice(TarFormat.GidOffset, 8)) ?? 0;
        var mtime = new UnixTime(TarFormat.ReadNumber(block.Slice(TarFormat.MtimeOffset, 12)) ?? 0, 0);
        string user = ustar ? TarFormat.ReadString(block.Slice(TarFormat.UserNameOffset, TarFormat.OwnerNameLength)) : "";
        string group = ustar ? TarFormat.ReadString(block.Slice(TarFormat.GroupNameOffset, TarFormat.OwnerNameLength)) : "";
        int major = ustar ? (int)(TarFormat.ReadNumber(block.Slice(TarFormat.DevMajorOffset, 8)) ?? 0) : 0;
        int minor = ustar ? (int)(TarFormat.ReadNumber(block.Slice(TarFormat.DevMinorOffset, 8)) ?? 0) : 0;

        name = longName ?? name;
        link = longLink ?? link;
        foreach (var records in new[] { _globalPax, pax })
        {
            if (records is null)
            {
                continue;
            }

            foreach (var (key, value) in records)
            {
                switch (key)
                {
                    case "path": name = value; break;
                    case "linkpath": link = value; break;
                    case "size": size = ParseLong(value, key, offset); break;
                    case "uid": uid = ParseLong(value, key, offset); break;
                    case "gid": gid = ParseLong(value, key, offset); break;
                    case "uname": user = value; break;
                    case "gname": group = value; break;
                    case "mtime": mtime = ParseTime(value, offset); break;
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
            '5' => TarEntryType.Directory,
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

        return new TarEntryHeader(name, entryType, mode, uid, gid, user, group, size, mtime, link, major, minor) { Offset = offset };
    }

    private void CheckChecksum(long offset)
    {
        long? stored = TarFormat.ReadNumber(_block.AsSpan(TarFormat.ChecksumOffset, 8));
        var (unsignedSum, signedSum) = TarFormat.Checksums(_block);
        if (stored != unsignedSum && stored != signedSum)
        {
            throw new BackupException(
                ArchiveErrorIds.HeaderChecksumMismatch,
                ErrorKind.InvalidData,
                $"The tar header at offset {offset} is corrupt: its checksum is {(stored is null ? "unreadable" : stored.Value.ToString(CultureInfo.InvariantCulture))}, the block sums to {unsignedSum}.");
        }
    }

    private byte[] ReadMeta(long size, long offset)
    {
        if (size > 16 << 20)
        {
            throw new BackupException(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"The extended header at offset {offset} claims {size} bytes.");
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

    private static void ParsePax(byte[] data, Dictionary<string, string> into, long offset)
    {
        int position = 0;
        while (position < data.Length)
        {
            if (data[position] == 0)
            {
                break;
            }

            int space = Array.IndexOf(data, (byte)' ', position);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(data, position, space - position), NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length <= space - position || position + length > data.Length || data[position + length - 1] != '\n')
            {
                throw new BackupException(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"The pax extended header at offset {offset} has a malformed record.");
            }

            string record = FileNameEncoding.GetString(data.AsSpan(space + 1, position + length - space - 2));
            int equals = record.IndexOf('=');
            if (equals > 0)
            {
                string key = record[..equals];
                string value = record[(equals + 1)..];
                if (key is "GNU.sparse.offset" or "GNU.sparse.numbytes")
                {
                    // Sparse format 0.0 repeats these two, pair by pair: kept as format 0.1's list.
                    into["GNU.sparse.map"] = into.TryGetValue("GNU.sparse.map", out string? list) ? $"{list},{value}" : value;
                }
                else if (value.Length == 0)
                {
                    into.Remove(key);
                }
                else
                {
                    into[key] = value;
                }
            }

            position += length;
        }
    }

    private static long ParseLong(string value, string key, long offset) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw new BackupException(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"The pax record '{key}' at offset {offset} is not a number.");

    private static UnixTime ParseTime(string value, long offset)
    {
        int dot = value.IndexOf('.');
        string whole = dot < 0 ? value : value[..dot];
        string fraction = dot < 0 ? "" : value[(dot + 1)..];
        long seconds = ParseLong(whole, "mtime", offset);
        fraction = fraction.Length > 9 ? fraction[..9] : fraction.PadRight(9, '0');
        int nanos = fraction.Length == 0 ? 0 : int.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        if (whole.StartsWith('-') && nanos > 0)
        {
            seconds -= 1;
            nanos = 1_000_000_000 - nanos;
        }

        return new UnixTime(seconds, nanos);
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
        new(ArchiveErrorIds.ArchiveTruncated, ErrorKind.InvalidData, $"The archive is truncated: the tar data ends at offset {offset}, {where}.");
}
