using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a gzip file of one or more members, read ahead on worker threads.
/// Members that carry their length (ours) are inflated in parallel; others are inflated in order.
/// Every member's CRC-32 and length are checked, and a file that ends inside a member is an error
/// (GZipStream would return a short read without complaint). Errors surface in stream order.
/// </summary>
internal sealed class GzipDecompressingStream : ReadOnlyStream
{
    private const int SegmentSize = 1 << 20;
    private readonly Channel<Task<Segment>> _segments;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private Segment _current = Segment.Empty;
    private int _position;
    private long _compressedRead;
    private bool _finished;

    public GzipDecompressingStream(Stream input, int workers)
    {
        workers = Math.Max(1, workers);
        _segments = Channel.CreateBounded<Task<Segment>>(new BoundedChannelOptions(workers * 2) { SingleReader = true, SingleWriter = true });
        _producer = Task.Factory.StartNew(() => Produce(input), TaskCreationOptions.LongRunning);
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
        if (disposing)
        {
            _stop.Cancel();
            while (_segments.Reader.TryRead(out var pending))
            {
                pending.ContinueWith(t => { if (t.IsCompletedSuccessfully) { t.Result.Return(); } }, TaskScheduler.Default);
            }

            try
            {
                _producer.Wait();
            }
            catch (AggregateException)
            {
            }

            _current.Return();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool NextSegment()
    {
        _current.Return();
        _current = Segment.Empty;
        _position = 0;
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
                source.Ensure(GzipFormat.OwnHeaderLength);
                if (GzipFormat.OwnMemberLength(source.Available) is int length)
                {
                    if (!source.Ensure(length))
                    {
                        throw GzipMemberParser.Truncated(source.Offset + source.Available.Length);
                    }

                    byte[] member = ArrayPool<byte>.Shared.Rent(length);
                    source.Available[..length].CopyTo(member);
                    source.Advance(length);
                    Publish(writer, Task.Run(() => InflateWholeMember(member, length, memberOffset)));
                }
                else
                {
                    InflateStreamingMember(source, memberOffset, writer);
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
            writer.TryWrite(Task.FromException<Segment>(ex));
            writer.TryComplete();
        }
    }

    private void Publish(ChannelWriter<Task<Segment>> writer, Task<Segment> segment)
    {
        writer.WriteAsync(segment, _stop.Token).AsTask().GetAwaiter().GetResult();
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

    private static Segment InflateWholeMember(byte[] member, int length, long offset)
    {
        try
        {
            var data = member.AsSpan(0, length);
            int header = GzipMemberParser.HeaderLength(data, offset);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
            if (header == 0 || size > 1 << 28)
            {
                throw GzipMemberParser.Corrupt(offset, "member header or length is invalid");
            }

            byte[] output = ArrayPool<byte>.Shared.Rent((int)size + 1);
            try
            {
                using var inflater = new RawInflater();
                var body = data[header..^GzipFormat.TrailerLength];
                var (consumed, produced, ended) = inflater.Inflate(body, output.AsSpan(0, (int)size + 1));
                if (!ended || consumed != body.Length)
                {
                    throw GzipMemberParser.Corrupt(offset, ended ? "deflate data ends before the member does" : "deflate data runs past its member length");
                }

                GzipMemberParser.CheckTrailer(data[^GzipFormat.TrailerLength..], ZlibNative.Crc32(0, output.AsSpan(0, produced)), produced, offset);
                return new Segment(output, produced);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(output);
                throw;
            }
        }
        catch (InvalidDataException ex)
        {
            throw GzipMemberParser.Corrupt(offset, ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(member);
        }
    }

    private void InflateStreamingMember(InputBuffer source, long offset, ChannelWriter<Task<Segment>> writer)
    {
        int header;
        while ((header = GzipMemberParser.HeaderLength(source.Available, offset)) == 0)
        {
            if (!source.Ensure(source.Available.Length + 1))
            {
                throw GzipMemberParser.Truncated(source.Offset + source.Available.Length);
            }
        }

        source.Advance(header);
        using var inflater = new RawInflater();
        uint crc = 0;
        long total = 0;
        bool ended = false;
        while (!ended)
        {
            byte[] output = ArrayPool<byte>.Shared.Rent(SegmentSize);
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

                total += filled;
                Interlocked.Exchange(ref _compressedRead, source.Offset);
                Publish(writer, Task.FromResult(new Segment(output, filled)));
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(output);
                throw;
            }
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

        public void Return()
        {
            if (Buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
