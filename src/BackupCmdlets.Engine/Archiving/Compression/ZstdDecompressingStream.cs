using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a zstd file of one or more frames, skippable frames among them (the seek
/// table of the seekable format is one), read ahead on worker threads. A frame's block headers give
/// its length without decoding it, so small frames (ours, and any other writer's) are decoded in
/// parallel; larger ones, or frames of unknown size such as `tar --zstd` writes, are decoded in order
/// as they are read. Content checksums are checked by the decoder; a file that ends inside a frame is
/// ArchiveTruncated; anything between frames that is not a frame is ArchiveCorrupt, as zstd judges it.
/// </summary>
/// <remarks>
/// Memory stays within a fixed budget whatever the file claims: at most <see cref="QueueLength"/>
/// segments wait, each at most <see cref="WholeFrameLimit"/> bytes (and its compressed frame as much
/// again while it is decoded), and the decoder's window is at most <see cref="ZstdFormat.MaxWindowSize"/>.
/// </remarks>
internal sealed class ZstdDecompressingStream : ReadAheadDecompressingStream
{
    private const int WholeFrameLimit = 8 << 20;
    private const int ReadAheadBudget = 128 << 20;
    private static readonly int QueueLength = Math.Max(2, ReadAheadBudget / (2 * WholeFrameLimit));

    public ZstdDecompressingStream(Stream input, int workers)
        : base(Queue(workers), WholeFrameLimit, (2 * Queue(workers)) + 3)
    {
        Start(input);
    }

    private static int Queue(int workers) => Math.Clamp(workers * 2, 2, QueueLength);

    protected override void ReadAhead(InputBuffer source)
    {
        bool any = false;
        while (source.Fill())
        {
            Stopping.ThrowIfCancellationRequested();
            long offset = source.Offset;
            source.Ensure(ZstdFormat.MaxHeaderLength);
            if (ZstdFormat.IsSkippableFrame(source.Available))
            {
                SkipSkippableFrame(source);
            }
            else if (ZstdFormat.IsFrame(source.Available))
            {
                var header = ZstdFormat.ReadHeader(source.Available, offset);
                if (WholeFrame(source, header, offset) is var (length, content))
                {
                    byte[] frame = Buffers.Rent(length);
                    source.Available[..length].CopyTo(frame);
                    source.Advance(length);
                    Publish(Task.Run(() => DecodeWholeFrame(frame, length, content, header, offset)));
                }
                else
                {
                    DecodeStreamingFrame(source, header);
                }
            }
            else if (ZstdFormat.IsCutMagic(source.Available))
            {
                throw ZstdFormat.Truncated(source.Offset + source.Available.Length);
            }
            else
            {
                throw ZstdFormat.Corrupt(offset, any ? "data after the end of a frame that is not another frame" : "not a zstd frame");
            }

            any = true;
            ReportCompressedRead(source.Offset);
        }
    }

    private static void SkipSkippableFrame(InputBuffer source)
    {
        if (!source.Ensure(ZstdFormat.SkippableHeaderLength))
        {
            throw ZstdFormat.Truncated(source.Offset + source.Available.Length);
        }

        long remaining = BinaryPrimitives.ReadUInt32LittleEndian(source.Available[4..]);
        source.Advance(ZstdFormat.SkippableHeaderLength);
        while (remaining > 0)
        {
            if (!source.Fill())
            {
                throw ZstdFormat.Truncated(source.Offset);
            }

            int n = (int)Math.Min(remaining, source.Available.Length);
            source.Advance(n);
            remaining -= n;
        }
    }

    /// <summary>
    /// The length and decompressed size of the frame at the start of <paramref name="source"/> when it
    /// is decoded as a whole: both within <see cref="WholeFrameLimit"/> by its block headers (and its
    /// content size, when the header gives it). Null when it is to be decoded as it is read.
    /// </summary>
    private static (int Length, int Content)? WholeFrame(InputBuffer source, ZstdFormat.FrameHeader header, long offset)
    {
        if (header.ContentSize > WholeFrameLimit)
        {
            return null;
        }

        int at = header.Length;
        long bound = 0;
        bool last = false;
        while (!last)
        {
            if (at + ZstdFormat.BlockHeaderLength > WholeFrameLimit)
            {
                return null;
            }

            if (!source.Ensure(at + ZstdFormat.BlockHeaderLength))
            {
                throw ZstdFormat.Truncated(source.Offset + source.Available.Length);
            }

            (last, var type, int size) = ZstdFormat.ReadBlockHeader(source.Available[at..]);
            if (type == ZstdFormat.BlockType.Reserved)
            {
                throw ZstdFormat.Corrupt(offset + at, "a block of the reserved type");
            }

            if (size > ZstdFormat.MaxBlockSize)
            {
                throw ZstdFormat.Corrupt(offset + at, $"a block of {size} bytes, more than a block may hold");
            }

            at += ZstdFormat.BlockHeaderLength + (type == ZstdFormat.BlockType.Rle ? 1 : size);
            bound += type == ZstdFormat.BlockType.Compressed ? ZstdFormat.MaxBlockSize : size;
            if (header.ContentSize is null && bound > WholeFrameLimit)
            {
                return null;
            }
        }

        at += header.HasChecksum ? ZstdFormat.ChecksumLength : 0;
        if (at > WholeFrameLimit)
        {
            return null;
        }

        if (!source.Ensure(at))
        {
            throw ZstdFormat.Truncated(source.Offset + source.Available.Length);
        }

        return (at, (int)(header.ContentSize ?? bound));
    }

    /// <summary>Decodes a frame found by <see cref="WholeFrame"/>, which must end where its blocks say.</summary>
    private Segment DecodeWholeFrame(byte[] frame, int length, int content, ZstdFormat.FrameHeader header, long offset)
    {
        // One byte more than the frame may hold, so a frame that holds more shows it.
        byte[] output = Buffers.Rent(content + 1);
        try
        {
            using var decoder = ZstdCodec.CreateDecoder();
            int consumed = 0;
            int produced = 0;
            bool ended = false;
            while (!ended)
            {
                ended = Decode(decoder, frame.AsSpan(consumed, length - consumed), header.Room(output.AsSpan(produced, content + 1 - produced)), out int c, out int p, offset);
                consumed += c;
                produced += p;
                if (c == 0 && p == 0 && !ended)
                {
                    break;
                }
            }

            if (!ended || consumed != length || produced > content)
            {
                throw ZstdFormat.Corrupt(offset, ended
                    ? $"the frame decodes to other than its blocks say ({produced} bytes from {consumed} of its {length})"
                    : "the frame does not end where its last block does");
            }

            return new Segment(output, produced);
        }
        catch
        {
            Buffers.Return(output);
            throw;
        }
        finally
        {
            Buffers.Return(frame);
        }
    }

    private void DecodeStreamingFrame(InputBuffer source, ZstdFormat.FrameHeader header)
    {
        using var decoder = ZstdCodec.CreateDecoder();
        bool ended = false;
        while (!ended)
        {
            Stopping.ThrowIfCancellationRequested();
            byte[] output = Buffers.Rent(SegmentSize);
            int filled = 0;
            try
            {
                while (!ended && filled < SegmentSize)
                {
                    ended = Decode(decoder, source.Available, header.Room(output.AsSpan(filled, SegmentSize - filled)), out int consumed, out int produced, source.Offset);
                    source.Advance(consumed);
                    filled += produced;
                    if (consumed == 0 && produced == 0 && !ended && !source.Ensure(source.Available.Length + 1))
                    {
                        throw ZstdFormat.Truncated(source.Offset + source.Available.Length);
                    }
                }
            }
            catch
            {
                Buffers.Return(output);
                throw;
            }

            ReportCompressedRead(source.Offset);
            Publish(Task.FromResult(new Segment(output, filled)));
        }
    }

    private static bool Decode(ZstdDecoder decoder, ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced, long offset)
    {
        try
        {
            return decoder.Decompress(input, output, out consumed, out produced);
        }
        catch (InvalidDataException ex)
        {
            throw ZstdFormat.Corrupt(offset, ex.Message);
        }
    }
}
