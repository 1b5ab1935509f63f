using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a gzip file of one or more members, read ahead on worker threads.
/// Members that carry their length (ours) are inflated in parallel; others are inflated in order.
/// Every member's CRC-32 and length are checked, and a file that ends inside a member is an error
/// (GZipStream would return a short read without complaint).
/// </summary>
/// <remarks>
/// Memory stays within a fixed budget whatever the file claims: at most <see cref="QueueLength"/>
/// segments wait, a streamed segment is <see cref="SegmentSize"/> bytes, and a member is inflated as
/// a whole only when its "BK" length and its ISIZE are within what our writer produces and the member
/// ends where another begins. Any other member is inflated in order, as gzip reads it.
/// </remarks>
internal sealed class GzipDecompressingStream : ReadAheadDecompressingStream
{
    private const int ReadAheadBudget = 128 << 20;

    // A member inflated whole holds two pooled arrays (compressed and inflated), each rounded up to a
    // power of two: up to four times the longest member we write.
    private static readonly int QueueLength = Math.Max(2, ReadAheadBudget / (4 * GzipFormat.OwnMemberLengthLimit));

    public GzipDecompressingStream(Stream input, int workers)
        : base(Queue(workers), GzipFormat.OwnMemberLengthLimit, Queue(workers) + 3)
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
            if (any && source.Available[0] == 0)
            {
                SkipZeroPadding(source);
                break;
            }

            any = true;
            long memberOffset = source.Offset;
            if (WholeMemberLength(source) is int length)
            {
                byte[] member = Buffers.Rent(length);
                source.Available[..length].CopyTo(member);
                source.Advance(length);
                Publish(Task.Run(() => InflateWholeMember(member, length, memberOffset)));
            }
            else
            {
                InflateStreamingMember(source, memberOffset);
            }

            ReportCompressedRead(source.Offset);
        }
    }

    /// <summary>
    /// The length of the member at the start of <paramref name="source"/> when it may be inflated as a
    /// whole: one of ours by its header, its "BK" length and ISIZE within what our writer produces, and
    /// followed by the end of the file, zero padding or another member. Null when it is to be streamed.
    /// </summary>
    private static int? WholeMemberLength(InputBuffer source)
    {
        source.Ensure(GzipFormat.OwnHeaderLength);
        if (GzipFormat.OwnMemberLength(source.Available) is not int length || length > GzipFormat.OwnMemberLengthLimit)
        {
            return null;
        }

        source.Ensure(length + 2);
        var available = source.Available;
        if (available.Length < length || BinaryPrimitives.ReadUInt32LittleEndian(available[(length - 4)..]) > GzipFormat.OwnMemberDataLimit)
        {
            return null;
        }

        var next = available[length..];
        bool endsThere = next.IsEmpty || next[0] == 0 || (next.Length >= 2 && next[0] == GzipFormat.Id1 && next[1] == GzipFormat.Id2);
        return endsThere ? length : null;
    }

    private static void SkipZeroPadding(InputBuffer source)
    {
        do
        {
            var available = source.Available;
            int nonZero = available.IndexOfAnyExcept((byte)0);
            if (nonZero >= 0)
            {
                throw GzipMemberParser.Corrupt(source.Offset + nonZero, "data after the end of the gzip stream");
            }

            source.Advance(available.Length);
        }
        while (source.Fill());
    }

    /// <summary>Inflates a member found by <see cref="WholeMemberLength"/>, which must end exactly where its length says.</summary>
    private Segment InflateWholeMember(byte[] member, int length, long offset)
    {
        try
        {
            var data = member.AsSpan(0, length);
            var body = data[GzipFormat.OwnHeaderLength..^GzipFormat.TrailerLength];
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
            byte[] output = Buffers.Rent(size);
            try
            {
                using var inflater = new RawInflater();
                var (consumed, produced, ended) = size > 0 ? inflater.Inflate(body, output.AsSpan(0, size)) : (0, 0, false);
                if (!ended && produced == size)
                {
                    // The output is full (zlib takes no empty one): the stream may still end, its last code
                    // yielding nothing, or run on.
                    Span<byte> probe = stackalloc byte[1];
                    var (more, extra, end) = inflater.Inflate(body[consumed..], probe);
                    if (extra > 0)
                    {
                        throw GzipMemberParser.Corrupt(offset, $"the member inflates to more than its ISIZE of {size} bytes");
                    }

                    consumed += more;
                    ended = end;
                }

                if (!ended || consumed != body.Length)
                {
                    throw GzipMemberParser.Corrupt(offset, ended
                        ? $"the deflate data ends {body.Length - consumed} bytes before the member length in its BK field ({length}) says"
                        : $"the deflate data runs past the member length in its BK field ({length})");
                }

                GzipMemberParser.CheckTrailer(data[^GzipFormat.TrailerLength..], ZlibNative.Crc32(0, output.AsSpan(0, produced)), produced, offset);
                return new Segment(output, produced);
            }
            catch
            {
                Buffers.Return(output);
                throw;
            }
        }
        catch (InvalidDataException ex)
        {
            throw GzipMemberParser.Corrupt(offset, ex.Message);
        }
        finally
        {
            Buffers.Return(member);
        }
    }

    private void InflateStreamingMember(InputBuffer source, long offset)
    {
        GzipMemberParser.SkipHeader(source, offset);
        using var inflater = new RawInflater();
        uint crc = 0;
        long total = 0;
        bool ended = false;
        while (!ended)
        {
            byte[] output = Buffers.Rent(SegmentSize);
            int filled = 0;
            try
            {
                while (!ended && filled < SegmentSize)
                {
                    if (source.Available.Length == 0 && !source.Fill())
                    {
                        throw GzipMemberParser.Truncated(source.Offset);
                    }

                    int consumed;
                    int produced;
                    try
                    {
                        (consumed, produced, ended) = inflater.Inflate(source.Available, output.AsSpan(filled, SegmentSize - filled));
                    }
                    catch (InvalidDataException ex)
                    {
                        throw GzipMemberParser.Corrupt(source.Offset, ex.Message);
                    }

                    source.Advance(consumed);
                    crc = ZlibNative.Crc32(crc, output.AsSpan(filled, produced));
                    filled += produced;
                    if (consumed == 0 && produced == 0 && !ended && !source.Ensure(source.Available.Length + 1))
                    {
                        throw GzipMemberParser.Truncated(source.Offset + source.Available.Length);
                    }
                }
            }
            catch
            {
                Buffers.Return(output);
                throw;
            }

            total += filled;
            ReportCompressedRead(source.Offset);
            Publish(Task.FromResult(new Segment(output, filled)));
        }

        if (!source.Ensure(GzipFormat.TrailerLength))
        {
            throw GzipMemberParser.Truncated(source.Offset + source.Available.Length);
        }

        GzipMemberParser.CheckTrailer(source.Available, crc, total, offset);
        source.Advance(GzipFormat.TrailerLength);
    }
}
