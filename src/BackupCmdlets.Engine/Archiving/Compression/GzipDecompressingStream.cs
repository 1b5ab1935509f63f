using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a gzip file of one or more members, read ahead on worker threads.
/// Members that carry their length (ours) are inflated in parallel; others are inflated in order.
/// Every member's CRC-32 and length are checked, and a file that ends inside a member is an error
/// (GZipStream would return a short read without complaint). Errors surface in stream order: an error
/// of the read-ahead thread completes the queue, so the reader meets it after the last good segment.
/// </summary>
/// <remarks>
/// Memory stays within a fixed budget whatever the file claims: at most <see cref="QueueLength"/>
/// segments wait, a streamed segment is <see cref="SegmentSize"/> bytes, and a member is inflated as
/// a whole only when its "BK" length and its ISIZE are within what our writer produces and the member
/// ends where another begins. Any other member is inflated in order, as gzip reads it.
/// </remarks>
internal sealed class GzipDecompressingStream : ReadOnlyStream
{
    private const int SegmentSize = 1 << 20;
    private const int ReadAheadBudget = 128 << 20;

    // A member inflated whole holds two pooled arrays (compressed and inflated), each rounded up to a
    // power of two: up to four times the longest member we write.
    private static readonly int QueueLength = Math.Max(2, ReadAheadBudget / (4 * GzipFormat.OwnMemberLengthLimit));
    private readonly Channel<Task<Segment>> _segments;
    private readonly ArrayPool<byte> _buffers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private Segment _current = Segment.Empty;
    private int _position;
    private long _compressedRead;
    private bool _finished;
    private bool _disposed;

    public GzipDecompressingStream(Stream input, int workers)
    {
        int queue = Math.Clamp(workers * 2, 2, QueueLength);
        _segments = Channel.CreateBounded<Task<Segment>>(new BoundedChannelOptions(queue) { SingleReader = true, SingleWriter = true });

        // This stream's own pool: nothing it rented stays allocated after it (a long PowerShell session).
        _buffers = ArrayPool<byte>.Create(GzipFormat.OwnMemberLengthLimit, queue + 3);
        _producer = Task.Factory.StartNew(() => Produce(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Compressed bytes taken from the file so far (for progress).</summary>
    public long CompressedBytesRead => Interlocked.Read(ref _compressedRead);

    public override int Read(Span<byte> buffer)
    {
        while (_position == _current.Length)
        {
            if (_finished || !NextSegment())
            {
                return 0;
            }
        }

        int n = Math.Min(buffer.Length, _current.Length - _position);
        _current.Buffer.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _producer.GetAwaiter().GetResult();
            while (_segments.Reader.TryRead(out var pending))
            {
                // The caller stopped reading before these: their data, and any error in it, lies past what
                // it read. They are waited for only so that nothing this stream started outlives it.
                WaitQuietly(pending);
            }

            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void WaitQuietly(Task segment) => segment.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();

    private bool NextSegment()
    {
        _current.ReturnTo(_buffers);
        _current = Segment.Empty;
        _position = 0;

        // A queue completed with an error throws it here, once every segment before it has been read.
        if (!_segments.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult() || !_segments.Reader.TryRead(out var next))
        {
            _finished = true;
            return false;
        }

        _current = next.GetAwaiter().GetResult();
        return true;
    }

    private void Produce(Stream input)
    {
        var writer = _segments.Writer;
        try
        {
            var source = new InputBuffer(input, 1 << 20);
            bool any = false;
            while (source.Fill())
            {
                _stop.Token.ThrowIfCancellationRequested();
                if (any && source.Available[0] == 0)
                {
                    SkipZeroPadding(source);
                    break;
                }

                any = true;
                long memberOffset = source.Offset;
                if (WholeMemberLength(source) is int length)
                {
                    byte[] member = _buffers.Rent(length);
                    source.Available[..length].CopyTo(member);
                    source.Advance(length);
                    Publish(Task.Run(() => InflateWholeMember(member, length, memberOffset)));
                }
                else
                {
                    InflateStreamingMember(source, memberOffset);
                }

                Interlocked.Exchange(ref _compressedRead, source.Offset);
            }

            Interlocked.Exchange(ref _compressedRead, source.Offset);
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            // Completing the queue with the error cannot fail, even when the queue is full.
            writer.TryComplete(ex);
        }
    }

    private void Publish(Task<Segment> segment)
    {
        try
        {
            _segments.Writer.WriteAsync(segment, _stop.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            WaitQuietly(segment);
            throw;
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
            byte[] output = _buffers.Rent(size);
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
                _buffers.Return(output);
                throw;
            }
        }
        catch (InvalidDataException ex)
        {
            throw GzipMemberParser.Corrupt(offset, ex.Message);
        }
        finally
        {
            _buffers.Return(member);
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
            byte[] output = _buffers.Rent(SegmentSize);
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
                _buffers.Return(output);
                throw;
            }

            total += filled;
            Interlocked.Exchange(ref _compressedRead, source.Offset);
            Publish(Task.FromResult(new Segment(output, filled)));
        }

        if (!source.Ensure(GzipFormat.TrailerLength))
        {
            throw GzipMemberParser.Truncated(source.Offset + source.Available.Length);
        }

        GzipMemberParser.CheckTrailer(source.Available, crc, total, offset);
        source.Advance(GzipFormat.TrailerLength);
    }

    private readonly record struct Segment(byte[] Buffer, int Length)
    {
        public static readonly Segment Empty = new([], 0);

        public void ReturnTo(ArrayPool<byte> pool)
        {
            if (Buffer.Length > 0)
            {
                pool.Return(Buffer);
            }
        }
    }
}
