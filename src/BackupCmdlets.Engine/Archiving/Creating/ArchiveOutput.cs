using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;
using ICSharpCode.SharpZipLib.BZip2;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// The back half of archive creation: takes the tar stream in chunks, compresses as many chunks at
/// once as there are workers (each chunk an independent gzip member, bzip2 stream or zstd frame), and
/// writes them in order to the file while hashing it with SHA-256; zstd frames are followed by their
/// seek table. An uncompressed archive is written with direct
/// I/O where the file system allows it: it has to reach the disk before its rename anyway, and going
/// past the page cache saves copying every byte there and writing it back later (tests/bench/results
/// has the measurements).
/// </summary>
internal sealed class ArchiveOutput
{
    private readonly FileStream _file;
    private readonly ArchiveCompression _compression;
    private readonly int _level;
    private readonly bool _nativeBzip2;
    private readonly Channel<Task<Chunk>> _pending;
    private readonly Task _writer;
    private readonly WorkerThreads<Chunk>? _compressors;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly CancellationToken _cancellation;
    private readonly AlignedBufferPool? _aligned;
    private readonly List<(int Compressed, int Decompressed)> _frames = []; // zstd's, for the seek table
    private bool _direct;
    private long _bytesOut;

    public ArchiveOutput(FileStream file, ArchiveCompression compression, int level, int workers, CancellationToken cancellation, bool managedBzip2 = false)
    {
        _nativeBzip2 = Bzip2Native.Available && !managedBzip2;
        _file = file;
        _compression = compression;
        _level = level;
        _cancellation = cancellation;
        ChunkSize = compression switch
        {
            ArchiveCompression.BZip2 => level * 100_000 - 64,
            ArchiveCompression.GZip => GzipFormat.OwnMemberDataLimit,
            _ => 4 << 20,
        };
        if (compression == ArchiveCompression.None)
        {
            _aligned = new AlignedBufferPool(ChunkSize);
            _direct = UnixFileSystem.TrySetDirectIo(file.SafeFileHandle, enabled: true);
        }
        else
        {
            _compressors = new WorkerThreads<Chunk>(workers, "compress");
        }

        _pending = Channel.CreateBounded<Task<Chunk>>(new BoundedChannelOptions(Math.Max(1, workers) * 2) { SingleReader = true, SingleWriter = true });
        _writer = Task.Factory.StartNew(WriteInOrder, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The uncompressed bytes one chunk holds.</summary>
    public int ChunkSize { get; }

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>A buffer of <see cref="ChunkSize"/> bytes to lay tar bytes into; give it back by <see cref="Submit"/> or <see cref="Return"/>.</summary>
    public ArraySegment<byte> Rent() => _aligned?.Rent() ?? new ArraySegment<byte>(ArrayPool<byte>.Shared.Rent(ChunkSize), 0, ChunkSize);

    /// <summary>Gives back a buffer from <see cref="Rent"/> unwritten.</summary>
    public void Return(ArraySegment<byte> buffer)
    {
        if (_aligned is not null)
        {
            _aligned.Return(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer.Array!);
        }
    }

    /// <summary>Hands over the first <paramref name="length"/> bytes of a buffer from <see cref="Rent"/> to be written. Blocks while the queue is full.</summary>
    public void Submit(ArraySegment<byte> chunk, int length)
    {
        Task<Chunk> work = _compressors is null
            ? Task.FromResult(new Chunk(chunk[..length], length))
            : _compressors.Start(() => Compress(chunk, length));
        try
        {
            _pending.Writer.WriteAsync(work, _cancellation).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // The writer stopped on an error and closed the queue: that error is the one to report.
            _writer.GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Waits until every chunk is written; answers the SHA-256 of the file as lower-case hex.</summary>
    public string Complete()
    {
        _pending.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        _compressors?.Dispose();
        return Convert.ToHexString(_sha256.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Stops after a failure or a cancel: drops queued chunks (only those being compressed are waited for) and waits for the writer to end.</summary>
    public void Abort()
    {
        _pending.Writer.TryComplete(new OperationCanceledException());
        _compressors?.Cancel();
        try
        {
            _writer.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // The failure that caused the abort is the one reported.
        }

        _compressors?.Dispose();
    }

    private Chunk Compress(ArraySegment<byte> chunk, int length)
    {
        try
        {
            if (_compression == ArchiveCompression.GZip)
            {
                byte[] output = ArrayPool<byte>.Shared.Rent(GzipChunkCompressor.MaxOutputLength(length));
                int written = GzipChunkCompressor.Compress(chunk.AsSpan(0, length), output, _level);
                return new Chunk(new ArraySegment<byte>(output, 0, written), length);
            }

            if (_compression == ArchiveCompression.Zstd)
            {
                byte[] output = ArrayPool<byte>.Shared.Rent(ZstdFrameCompressor.MaxOutputLength(length));
                int written = ZstdFrameCompressor.Compress(chunk.AsSpan(0, length), output, _level);
                return new Chunk(new ArraySegment<byte>(output, 0, written), length);
            }

            if (_nativeBzip2)
            {
                byte[] compressed = ArrayPool<byte>.Shared.Rent(Bzip2Native.MaxOutputLength(length));
                return new Chunk(new ArraySegment<byte>(compressed, 0, Bzip2Native.Compress(chunk.AsSpan(0, length), compressed, _level)), length);
            }

            var memory = new MemoryStream(length / 2 + 1024);
            using (var bzip2 = new BZip2OutputStream(memory, _level) { IsStreamOwner = false })
            {
                bzip2.Write(chunk.Array!, chunk.Offset, length);
            }

            return new Chunk(new ArraySegment<byte>(memory.GetBuffer(), 0, (int)memory.Length), length, Pooled: false);
        }
        finally
        {
            Return(chunk);
        }
    }

    /// <summary>
    /// Writes chunks in order while the SHA-256 of each is computed on another core. Without direct
    /// I/O, starts the disk writeback of every chunk at once, so the fsync before the rename only
    /// waits for the tail.
    /// </summary>
    private void WriteInOrder()
    {
        try
        {
            WriteQueuedChunks();
        }
        catch (Exception ex)
        {
            // Nothing takes chunks any more: close the queue, so a producer waiting for room fails
            // with this error instead of waiting for ever.
            _pending.Writer.TryComplete(ex);
            throw;
        }
    }

    private void WriteQueuedChunks()
    {
        var reader = _pending.Reader;
        var handle = _file.SafeFileHandle;
        long offset = 0;
        while (reader.WaitToReadAsync(_cancellation).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var work))
            {
                var chunk = work.GetAwaiter().GetResult();
                try
                {
                    offset = WriteAndHash(handle, chunk.Data, offset);
                    if (_compression == ArchiveCompression.Zstd)
                    {
                        _frames.Add((chunk.Data.Count, chunk.Uncompressed));
                    }
                }
                finally
                {
                    if (_aligned is not null)
                    {
                        _aligned.Return(new ArraySegment<byte>(chunk.Data.Array!, chunk.Data.Offset, ChunkSize));
                    }
                    else if (chunk.Pooled)
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Data.Array!);
                    }
                }

                _cancellation.ThrowIfCancellationRequested();
            }
        }

        if (_compression == ArchiveCompression.Zstd)
        {
            offset = WriteAndHash(handle, ZstdFormat.SeekTable(_frames), offset);
        }

        _file.Position = offset;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> while it is hashed on another core; answers the offset after it.</summary>
    private long WriteAndHash(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ArraySegment<byte> data, long offset)
    {
        var hashing = Task.Run(() => _sha256.AppendData(data));
        try
        {
            Write(handle, data, offset);
            Interlocked.Add(ref _bytesOut, data.Count);
            return offset + data.Count;
        }
        finally
        {
            // Also when the write failed: the buffer goes back to the pool only once hashed.
            hashing.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Writes direct while that works: whole 4 KiB blocks only, so the unaligned end of the last
    /// chunk, or a chunk the file system refuses to take direct, turns direct I/O off for the rest.
    /// </summary>
    private void Write(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        if (_direct)
        {
            int aligned = data.Length & ~(AlignedBufferPool.Alignment - 1);
            try
            {
                RandomAccess.Write(handle, data[..aligned], offset);
            }
            catch (IOException)
            {
                aligned = 0;
            }

            if (aligned == data.Length)
            {
                return;
            }

            _direct = false;
            UnixFileSystem.TrySetDirectIo(handle, enabled: false);
            data = data[aligned..];
            offset += aligned;
        }

        RandomAccess.Write(handle, data, offset);
        UnixFileSystem.StartWriteback(handle, offset, data.Length);
    }

    /// <summary>A chunk as written: its bytes (compressed or not) and how many tar bytes they hold.</summary>
    private readonly record struct Chunk(ArraySegment<byte> Data, int Uncompressed, bool Pooled = true);
}
