using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;
using ICSharpCode.SharpZipLib.BZip2;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// The back half of archive creation: takes the tar stream in chunks, compresses as many chunks at
/// once as there are workers (each chunk an independent gzip member or bzip2 stream), and writes them
/// in order to the file while hashing it with SHA-256.
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
            ArchiveCompression.GZip => 4 << 20,
            _ => 4 << 20,
        };
        _compressors = compression == ArchiveCompression.None ? null : new WorkerThreads<Chunk>(workers, "compress");
        _pending = Channel.CreateBounded<Task<Chunk>>(new BoundedChannelOptions(Math.Max(1, workers) * 2) { SingleReader = true, SingleWriter = true });
        _writer = Task.Factory.StartNew(WriteInOrder, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The uncompressed bytes one chunk holds.</summary>
    public int ChunkSize { get; }

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Hands over a chunk (rented from ArrayPool.Shared; ownership passes here). Blocks while the queue is full.</summary>
    public void Submit(byte[] chunk, int length)
    {
        Task<Chunk> work = _compressors is null
            ? Task.FromResult(new Chunk(chunk, length))
            : _compressors.Start(() => Compress(chunk, length));
        if (!_pending.Writer.TryWrite(work))
        {
            _pending.Writer.WriteAsync(work, _cancellation).AsTask().GetAwaiter().GetResult();
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

    /// <summary>Stops after a failure: drops queued chunks and waits for the writer to end.</summary>
    public void Abort()
    {
        _pending.Writer.TryComplete(new OperationCanceledException());
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

    private Chunk Compress(byte[] chunk, int length)
    {
        try
        {
            if (_compression == ArchiveCompression.GZip)
            {
                byte[] output = ArrayPool<byte>.Shared.Rent(GzipChunkCompressor.MaxOutputLength(length));
                int written = GzipChunkCompressor.Compress(chunk.AsSpan(0, length), output, _level);
                return new Chunk(output, written);
            }

            if (_nativeBzip2)
            {
                byte[] compressed = ArrayPool<byte>.Shared.Rent(Bzip2Native.MaxOutputLength(length));
                return new Chunk(compressed, Bzip2Native.Compress(chunk.AsSpan(0, length), compressed, _level));
            }

            var memory = new MemoryStream(length / 2 + 1024);
            using (var bzip2 = new BZip2OutputStream(memory, _level) { IsStreamOwner = false })
            {
                bzip2.Write(chunk, 0, length);
            }

            return new Chunk(memory.GetBuffer(), (int)memory.Length, Pooled: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Writes chunks in order while the SHA-256 of each is computed on another core, and starts the
    /// disk writeback of every chunk at once, so the fsync before the rename only waits for the tail.
    /// </summary>
    private void WriteInOrder()
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
                    var hashing = Task.Run(() => _sha256.AppendData(chunk.Buffer, 0, chunk.Length));
                    RandomAccess.Write(handle, chunk.Buffer.AsSpan(0, chunk.Length), offset);
                    UnixFileSystem.StartWriteback(handle, offset, chunk.Length);
                    offset += chunk.Length;
                    Interlocked.Add(ref _bytesOut, chunk.Length);
                    hashing.GetAwaiter().GetResult();
                }
                finally
                {
                    if (chunk.Pooled)
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    }
                }

                _cancellation.ThrowIfCancellationRequested();
            }
        }

        _file.Position = offset;
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, bool Pooled = true);
}
