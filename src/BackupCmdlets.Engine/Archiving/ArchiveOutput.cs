using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using BackupCmdlets.Engine.Archiving.Compression;
using ICSharpCode.SharpZipLib.BZip2;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// The back half of archive creation: takes the tar stream in chunks, compresses chunks on all
/// workers at once (each chunk an independent gzip member or bzip2 stream), and writes them in
/// order to the file while hashing it with SHA-256.
/// </summary>
internal sealed class ArchiveOutput
{
    private readonly Stream _file;
    private readonly ArchiveCompression _compression;
    private readonly int _level;
    private readonly Channel<Task<Chunk>> _pending;
    private readonly Task _writer;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly CancellationToken _cancellation;
    private long _bytesOut;

    public ArchiveOutput(Stream file, ArchiveCompression compression, int level, int workers, CancellationToken cancellation)
    {
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
        _pending = Channel.CreateBounded<Task<Chunk>>(new BoundedChannelOptions(Math.Max(1, workers) * 2) { SingleReader = true, SingleWriter = true });
        _writer = Task.Run(WriteInOrderAsync);
    }

    /// <summary>The uncompressed bytes one chunk holds.</summary>
    public int ChunkSize { get; }

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Hands over a chunk (rented from ArrayPool.Shared; ownership passes here). Blocks while the queue is full.</summary>
    public void Submit(byte[] chunk, int length)
    {
        Task<Chunk> work = _compression == ArchiveCompression.None
            ? Task.FromResult(new Chunk(chunk, length))
            : Task.Run(() => Compress(chunk, length));
        if (!_pending.Writer.TryWrite(work))
        {
            _pending.Writer.WriteAsync(work, _cancellation).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until every chunk is written; answers the SHA-256 of the file as lower-case hex.</summary>
    public async Task<string> CompleteAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
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

    private async Task WriteInOrderAsync()
    {
        await foreach (var work in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var chunk = await work.ConfigureAwait(false);
            try
            {
                await _file.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), _cancellation).ConfigureAwait(false);
                _sha256.AppendData(chunk.Buffer, 0, chunk.Length);
                Interlocked.Add(ref _bytesOut, chunk.Length);
            }
            finally
            {
                if (chunk.Pooled)
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                }
            }
        }
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, bool Pooled = true);
}
