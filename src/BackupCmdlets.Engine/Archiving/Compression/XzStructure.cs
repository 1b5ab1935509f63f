using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The xz container (stream header, block headers, LZMA2 chunk framing, block padding, index, footer,
/// stream padding) followed byte by byte as the decoder takes it from the file, holding each byte to
/// the rules of the format that SharpCompress's decoder leaves unchecked: the index against the
/// blocks and its CRC-32, the footer against the header and the index, the framing of every LZMA2
/// chunk, padding, and what may follow a stream. The decoder checks the rest: each block header's
/// CRC-32 and each block's check (CRC-32, CRC-64 or SHA-256) over its data, which the tests hold it to.
/// </summary>
internal sealed class XzStructure
{
    private const int StreamHeaderSize = 12;
    private const int FooterSize = 12;
    private const byte Lzma2FilterId = 0x21;

    /// <summary>The largest dictionary xz writes (its --lzma2=dict limit); larger ones are refused before the decoder allocates them.</summary>
    private const long MaxDictionary = 1536L << 20;

    private static readonly byte[] HeaderMagic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    private readonly byte[] _collected = new byte[1024];
    private readonly List<(long Unpadded, long Uncompressed)> _blocks = [];
    private XzPart _state = XzPart.BetweenStreams;
    private int _needed;
    private int _filled;
    private int _streams;
    private long _padding;

    private byte _checkType;
    private int _checkSize;

    private long _blockStart;
    private int _blockHeaderSize;
    private long? _declaredCompressed;
    private long? _declaredUncompressed;
    private long _blockCompressed;
    private long _blockUncompressed;
    private bool _needDictionaryReset;
    private bool _needProperties;
    private byte _control;
    private long _remaining;
    private bool _rangeCoderStart;

    private long _indexStart;
    private uint _indexCrc;
    private int _indexField;
    private long _indexRecords;
    private int _indexRecord;
    private ulong _vli;
    private int _vliBytes;
    private long _recordUnpadded;
    private long _recordUnpaddedStart;

    private enum XzPart
    {
        BetweenStreams,
        StreamHeader,
        BlockStart,
        BlockHeader,
        ChunkControl,
        ChunkHeader,
        ChunkData,
        BlockPadding,
        BlockCheck,
        Index,
        IndexPadding,
        IndexCrc,
        Footer,
    }

    /// <summary>The compressed offset of the next byte.</summary>
    public long Position { get; private set; }

    /// <summary>Whether the file may end here: after a whole stream and its padding.</summary>
    public bool MayEnd => _state == XzPart.BetweenStreams && _streams > 0;

    /// <summary>Whether the last byte taken ended a stream (its footer).</summary>
    public bool AtStreamEnd => _state == XzPart.BetweenStreams && _streams > 0 && _padding == 0;

    /// <summary>Where in the format the next byte falls, for messages.</summary>
    public string Where => _state switch
    {
        XzPart.BetweenStreams => "between xz streams",
        XzPart.StreamHeader => "in an xz stream header",
        XzPart.BlockStart or XzPart.BlockHeader => $"in the header of xz block {_blocks.Count + 1}",
        XzPart.Index or XzPart.IndexPadding or XzPart.IndexCrc => "in the xz index",
        XzPart.Footer => "in the xz stream footer",
        _ => $"in xz block {_blocks.Count + 1}",
    };

    /// <summary>Takes the next bytes of the file, in order.</summary>
    public void Take(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int used = _state switch
            {
                XzPart.ChunkData => TakeChunkData(data),
                XzPart.BlockCheck => Skip(data, XzPart.BlockStart),
                _ => 0,
            };
            if (used == 0)
            {
                TakeByte(data[0]);
                used = 1;
            }

            data = data[used..];
        }
    }

    /// <summary>At the end of the file: there must have been a whole stream, and the padding after it must be whole.</summary>
    public void Finish()
    {
        if (!MayEnd)
        {
            throw new BackupException(Errors.ArchiveTruncated, $"The archive is truncated: the compressed data ends at offset {Position} {Where}.", offset: Position);
        }

        if (_padding % 4 != 0)
        {
            throw Corrupt(Position - _padding, $"the {_padding} bytes of padding after the last stream are not a multiple of four");
        }
    }

    private void TakeByte(byte value)
    {
        long offset = Position;
        Position++;
        switch (_state)
        {
            case XzPart.BetweenStreams:
                if (value == 0 && _streams > 0)
                {
                    _padding++;
                }
                else if (value != HeaderMagic[0])
                {
                    throw Corrupt(offset, _streams == 0 ? "not an xz stream header" : "data after the end of an xz stream");
                }
                else if (_padding % 4 != 0)
                {
                    throw Corrupt(offset - _padding, $"the {_padding} bytes of padding between streams are not a multiple of four");
                }
                else
                {
                    Collect(XzPart.StreamHeader, StreamHeaderSize, value);
                }

                break;
            case XzPart.BlockStart:
                if (value == 0)
                {
                    StartIndex(offset);
                }
                else
                {
                    _blockStart = offset;
                    Collect(XzPart.BlockHeader, (value + 1) * 4, value);
                }

                break;
            case XzPart.ChunkControl:
                TakeChunkControl(value, offset);
                break;
            case XzPart.BlockPadding:
                if (value != 0)
                {
                    throw Corrupt(offset, $"the padding of block {_blocks.Count + 1} is not zero");
                }

                if (--_remaining == 0)
                {
                    StartCheck();
                }

                break;
            case XzPart.Index:
                TakeIndexByte(value, offset);
                break;
            case XzPart.IndexPadding:
                _indexCrc = ZlibNative.Crc32(_indexCrc, [value]);
                if (value != 0)
                {
                    throw Corrupt(offset, "the padding of the index is not zero");
                }

                if (--_remaining == 0)
                {
                    Collect(XzPart.IndexCrc, 4);
                }

                break;
            default:
                _collected[_filled++] = value;
                if (_filled == _needed)
                {
                    Collected(offset - _needed + 1);
                }

                break;
        }
    }

    private void Collect(XzPart state, int count, byte? first = null)
    {
        _state = state;
        _needed = count;
        _filled = 0;
        if (first is { } value)
        {
            _collected[_filled++] = value;
        }
    }

    /// <summary>A header, footer or CRC is complete in <see cref="_collected"/>; <paramref name="start"/> is its offset.</summary>
    private void Collected(long start)
    {
        var bytes = _collected.AsSpan(0, _needed);
        switch (_state)
        {
            case XzPart.StreamHeader:
                TakeStreamHeader(bytes, start);
                break;
            case XzPart.BlockHeader:
                TakeBlockHeader(bytes, start);
                break;
            case XzPart.ChunkHeader:
                TakeChunkHeader(bytes, start);
                break;
            case XzPart.IndexCrc:
                if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != _indexCrc)
                {
                    throw Corrupt(start, "the CRC-32 of the index does not match");
                }

                Collect(XzPart.Footer, FooterSize);
                break;
            case XzPart.Footer:
                TakeFooter(bytes, start);
                break;
        }
    }

    private void TakeStreamHeader(ReadOnlySpan<byte> header, long start)
    {
        if (!header[..6].SequenceEqual(HeaderMagic))
        {
            throw Corrupt(start, "not an xz stream header");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != ZlibNative.Crc32(0, header[6..8]))
        {
            throw Corrupt(start + 6, "the CRC-32 of the stream flags does not match");
        }

        if (header[6] != 0 || (header[7] & 0xF0) != 0)
        {
            throw Unsupported(start + 6, $"stream flags 0x{header[6]:x2}{header[7]:x2} are not defined by the xz format this reader knows");
        }

        _checkType = header[7];
        _checkSize = _checkType switch
        {
            0 => 0,
            1 => 4,
            4 => 8,
            10 => 32,
            _ => throw Unsupported(start + 7, $"check type {_checkType} is not read (CRC-32, CRC-64, SHA-256 and none are)"),
        };
        _streams++;
        _padding = 0;
        _blocks.Clear();
        _state = XzPart.BlockStart;
    }

    private void TakeBlockHeader(ReadOnlySpan<byte> header, long start)
    {
        int crcAt = header.Length - 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[crcAt..]) != ZlibNative.Crc32(0, header[..crcAt]))
        {
            throw Corrupt(start, $"the CRC-32 of block {_blocks.Count + 1}'s header does not match");
        }

        byte flags = header[1];
        if ((flags & 0x3C) != 0)
        {
            throw Unsupported(start + 1, $"block {_blocks.Count + 1} sets block flags this reader does not know");
        }

        int at = 2;
        var fields = header[..crcAt];
        _declaredCompressed = (flags & 0x40) != 0 ? ReadVli(fields, ref at, start) : null;
        _declaredUncompressed = (flags & 0x80) != 0 ? ReadVli(fields, ref at, start) : null;
        if (_declaredCompressed == 0)
        {
            throw Corrupt(start, $"block {_blocks.Count + 1}'s header gives a compressed size of zero");
        }

        int filters = (flags & 0x03) + 1;
        for (int i = 0; i < filters; i++)
        {
            long id = ReadVli(fields, ref at, start);
            long size = ReadVli(fields, ref at, start);
            if (size > fields.Length - at)
            {
                throw Corrupt(start, $"block {_blocks.Count + 1}'s filter properties run past its header");
            }

            var properties = fields.Slice(at, (int)size);
            at += (int)size;
            bool last = i == filters - 1;
            if (last != (id == Lzma2FilterId))
            {
                throw last
                    ? Unsupported(start, $"block {_blocks.Count + 1} does not end in LZMA2 (filter 0x{id:x})")
                    : Corrupt(start, $"block {_blocks.Count + 1} has LZMA2 before its last filter");
            }

            if (last)
            {
                CheckLzma2Properties(properties, start);
            }
            else if (id is < 0x04 or > 0x09 || size is not (0 or 4))
            {
                // SharpCompress reads the branch-call-jump filters 0x04 to 0x09; delta (0x03), ARM64 and RISC-V it does not.
                throw Unsupported(start, $"block {_blocks.Count + 1} uses filter 0x{id:x}, which is not read");
            }
        }

        if (fields[at..].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw Corrupt(start, $"the padding of block {_blocks.Count + 1}'s header is not zero");
        }

        _blockHeaderSize = header.Length;
        _blockUncompressed = 0;
        _needDictionaryReset = true;
        _needProperties = true;
        _state = XzPart.ChunkControl;
    }

    private void CheckLzma2Properties(ReadOnlySpan<byte> properties, long start)
    {
        if (properties.Length != 1 || properties[0] > 40)
        {
            throw Corrupt(start, $"block {_blocks.Count + 1}'s LZMA2 properties are invalid");
        }

        int bits = properties[0];
        long dictionary = bits == 40 ? uint.MaxValue : (2L | (bits & 1L)) << (bits / 2 + 11);
        if (dictionary > MaxDictionary)
        {
            throw Unsupported(start, $"block {_blocks.Count + 1} needs a dictionary of {dictionary >> 20} MiB, more than xz writes ({MaxDictionary >> 20} MiB)");
        }
    }

    private void TakeChunkControl(byte control, long offset)
    {
        if (control == 0)
        {
            EndBlockData(offset);
            return;
        }

        if (control == 1 || control >= 0xE0)
        {
            _needProperties = true;
            _needDictionaryReset = false;
        }
        else if (_needDictionaryReset)
        {
            throw Corrupt(offset, $"the first LZMA2 chunk of block {_blocks.Count + 1} does not reset the dictionary");
        }

        int headerBytes;
        if (control >= 0x80)
        {
            if (control >= 0xC0)
            {
                _needProperties = false;
                headerBytes = 5;
            }
            else if (_needProperties)
            {
                throw Corrupt(offset, $"an LZMA2 chunk of block {_blocks.Count + 1} lacks the properties a dictionary reset calls for");
            }
            else
            {
                headerBytes = 4;
            }
        }
        else if (control <= 2)
        {
            headerBytes = 2;
        }
        else
        {
            throw Corrupt(offset, $"0x{control:x2} is not an LZMA2 chunk control byte");
        }

        _control = control;
        Collect(XzPart.ChunkHeader, headerBytes);
    }

    private void TakeChunkHeader(ReadOnlySpan<byte> header, long start)
    {
        long unpacked;
        if (_control >= 0x80)
        {
            unpacked = ((_control & 0x1FL) << 16) + BinaryPrimitives.ReadUInt16BigEndian(header) + 1;
            _remaining = BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 1;
            if (header.Length == 5 && (header[4] >= 9 * 5 * 5 || header[4] % 9 + header[4] / 9 % 5 > 4))
            {
                throw Corrupt(start + 4, $"an LZMA2 chunk of block {_blocks.Count + 1} has invalid properties (lc + lp must be at most 4)");
            }

            _rangeCoderStart = true;
        }
        else
        {
            unpacked = BinaryPrimitives.ReadUInt16BigEndian(header) + 1;
            _remaining = unpacked;
            _rangeCoderStart = false;
        }

        _blockUncompressed += unpacked;
        _state = XzPart.ChunkData;
    }

    private int TakeChunkData(ReadOnlySpan<byte> data)
    {
        if (_rangeCoderStart)
        {
            // liblzma holds every LZMA chunk's range coder to a first byte of zero; SharpCompress skips it unread.
            if (data[0] != 0)
            {
                throw Corrupt(Position, $"an LZMA2 chunk of block {_blocks.Count + 1} does not start its range coder with a zero byte");
            }

            _rangeCoderStart = false;
        }

        return Skip(data, XzPart.ChunkControl);
    }

    /// <summary>Passes over the rest of a run of <see cref="_remaining"/> bytes whose content the decoder judges.</summary>
    private int Skip(ReadOnlySpan<byte> data, XzPart next)
    {
        int n = (int)Math.Min(_remaining, data.Length);
        _remaining -= n;
        Position += n;
        if (_remaining == 0)
        {
            if (next == XzPart.BlockStart)
            {
                EndBlock();
            }
            else
            {
                _state = next;
            }
        }

        return n;
    }

    private void EndBlockData(long endMarker)
    {
        long compressed = endMarker + 1 - _blockStart - _blockHeaderSize;
        _blockCompressed = compressed;
        if (_declaredCompressed is { } declared && declared != compressed)
        {
            throw Corrupt(endMarker, $"block {_blocks.Count + 1} holds {compressed} compressed bytes, but its header says {declared}");
        }

        if (_declaredUncompressed is { } size && size != _blockUncompressed)
        {
            throw Corrupt(endMarker, $"block {_blocks.Count + 1} holds {_blockUncompressed} bytes, but its header says {size}");
        }

        _remaining = (4 - (_blockHeaderSize + compressed) % 4) % 4;
        _state = XzPart.BlockPadding;
        if (_remaining == 0)
        {
            StartCheck();
        }
    }

    private void StartCheck()
    {
        _remaining = _checkSize;
        _state = XzPart.BlockCheck;
        if (_remaining == 0)
        {
            EndBlock();
        }
    }

    private void EndBlock()
    {
        // The index records each block's size without its padding: header, compressed data and check.
        _blocks.Add((_blockHeaderSize + _blockCompressed + _checkSize, _blockUncompressed));
        _state = XzPart.BlockStart;
    }

    private void StartIndex(long offset)
    {
        _indexStart = offset;
        _indexCrc = ZlibNative.Crc32(0, [0]);
        _indexField = 0;
        _indexRecord = 0;
        _vli = 0;
        _vliBytes = 0;
        _state = XzPart.Index;
    }

    private void TakeIndexByte(byte value, long offset)
    {
        _indexCrc = ZlibNative.Crc32(_indexCrc, [value]);
        if (_vliBytes == 9 || (value == 0 && _vliBytes > 0))
        {
            throw Corrupt(offset, "the index holds a malformed number");
        }

        _vli |= (ulong)(value & 0x7F) << (7 * _vliBytes++);
        if ((value & 0x80) != 0)
        {
            return;
        }

        // A wrong number is reported where it starts, the byte a reader of the index looks at.
        long numberStart = offset - _vliBytes + 1;
        long number = _vli > long.MaxValue ? throw Corrupt(numberStart, "the index holds a number out of range") : (long)_vli;
        _vli = 0;
        _vliBytes = 0;
        if (_indexField == 0)
        {
            if (number != _blocks.Count)
            {
                throw Corrupt(numberStart, $"the index lists {number} blocks, but the stream holds {_blocks.Count}");
            }

            _indexRecords = number;
            _indexField = 1;
        }
        else if (_indexField == 1)
        {
            _recordUnpadded = number;
            _recordUnpaddedStart = numberStart;
            _indexField = 2;
        }
        else
        {
            var block = _blocks[_indexRecord];
            if (_recordUnpadded != block.Unpadded || number != block.Uncompressed)
            {
                throw Corrupt(_recordUnpadded != block.Unpadded ? _recordUnpaddedStart : numberStart, $"the index gives block {_indexRecord + 1} {_recordUnpadded} bytes holding {number}, but the block has {block.Unpadded} holding {block.Uncompressed}");
            }

            _indexRecord++;
            _indexField = 1;
        }

        if (_indexField != 0 && _indexRecord == _indexRecords)
        {
            _remaining = (4 - (Position - _indexStart) % 4) % 4;
            if (_remaining == 0)
            {
                Collect(XzPart.IndexCrc, 4);
            }
            else
            {
                _state = XzPart.IndexPadding;
            }
        }
    }

    private void TakeFooter(ReadOnlySpan<byte> footer, long start)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != ZlibNative.Crc32(0, footer[4..10]))
        {
            throw Corrupt(start, "the CRC-32 of the stream footer does not match");
        }

        long backward = (BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]) + 1L) * 4;
        if (backward != start - _indexStart)
        {
            throw Corrupt(start + 4, $"the stream footer gives the index {backward} bytes, but it has {start - _indexStart}");
        }

        if (footer[8] != 0 || footer[9] != _checkType)
        {
            throw Corrupt(start + 8, "the stream flags of the footer differ from the header's");
        }

        if (footer[10] != 'Y' || footer[11] != 'Z')
        {
            throw Corrupt(start + 10, "the stream footer lacks its magic bytes");
        }

        _state = XzPart.BetweenStreams;
        _padding = 0;
    }

    /// <summary>A variable-length integer of a block header (at most 9 bytes, no trailing zero byte).</summary>
    private long ReadVli(ReadOnlySpan<byte> fields, ref int at, long start)
    {
        ulong value = 0;
        for (int i = 0; i < 9 && at < fields.Length; i++)
        {
            byte b = fields[at++];
            if (b == 0 && i > 0)
            {
                break;
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0 && value <= long.MaxValue)
            {
                return (long)value;
            }

            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        throw Corrupt(start, $"block {_blocks.Count + 1}'s header holds a malformed number");
    }

    private static BackupException Corrupt(long offset, string what) =>
        new(Errors.ArchiveCorrupt, $"Corrupt xz data at compressed offset {offset}: {what}.", offset: offset);

    private static BackupException Unsupported(long offset, string what) =>
        new(Errors.UnsupportedCompression, $"Unsupported xz data at compressed offset {offset}: {what}.", offset: offset);
}
