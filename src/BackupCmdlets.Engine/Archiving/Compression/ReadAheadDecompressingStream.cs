using System.Buffers;
using System.Threading.Channels;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// Decompressed bytes read ahead on worker threads, in segments that a derived format publishes in
/// stream order: a task per segment, so that independent members or frames decode in parallel while
/// the reader takes them in order. Errors surface in stream order too: an error of the read-ahead
/// thread completes the queue, so the reader meets it after the last good segment, however full the
/// queue was.
/// </summary>
/// <remarks>
/// At most the queue's length of segments wait, and every buffer comes from this stream's own pool, so
/// nothing it rented stays allocated after it (a long PowerShell session).
/// </remarks>
internal abstract class ReadAheadDecompressingStream : ReadOnlyStream
{
    /// <summary>The size of a segment of a member or frame decoded as it is read.</summary>
    protected const int SegmentSize = 1 << 20;

    private readonly Channel<Task<Segment>> _segments;
    private readonly CancellationTokenSource _stop = new();
    private Task _producer = Task.CompletedTask;
    private Segment _current = Segment.Empty;
    private int _position;
    private long _compressedRead;
    private bool _finished;
    private bool _disposed;

    protected ReadAheadDecompressingStream(int queueLength, int largestBuffer, int buffersPerSize)
    {
        _segments = Channel.CreateBounded<Task<Segment>>(new BoundedChannelOptions(queueLength) { SingleReader = true, SingleWriter = true });
        Buffers = ArrayPool<byte>.Create(largestBuffer, buffersPerSize);
    }

    /// <summary>Compressed bytes taken from the file so far (for progress).</summary>
    public long CompressedBytesRead => Interlocked.Read(ref _compressedRead);

    protected ArrayPool<byte> Buffers { get; }

    protected CancellationToken Stopping => _stop.Token;

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

    /// <summary>Starts reading ahead; the derived constructor calls it last.</summary>
    protected void Start(Stream input) =>
        _producer = Task.Factory.StartNew(() => Produce(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Reads the whole file on the read-ahead thread, publishing its segments in order.</summary>
    protected abstract void ReadAhead(InputBuffer source);

    /// <summary>Queues a segment, waiting for room; a stop while waiting leaves nothing running.</summary>
    protected void Publish(Task<Segment> segment)
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

    protected void ReportCompressedRead(long offset) => Interlocked.Exchange(ref _compressedRead, offset);

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
        _current.ReturnTo(Buffers);
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
            ReadAhead(source);
            ReportCompressedRead(source.Offset);
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

    /// <summary>Decompressed bytes in a pooled buffer.</summary>
    protected readonly record struct Segment(byte[] Buffer, int Length)
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
