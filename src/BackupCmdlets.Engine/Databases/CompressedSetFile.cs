using System.Buffers;
using System.Collections.Concurrent;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A file of a compressed Plain set (<see cref="ZstdSeekableWriter"/>) read back: in order, or at any
/// offset through its seek table, each frame checked by its zstd checksum as it is decoded. A file whose
/// table does not agree with it, or a frame that does not decode, is a BackupSetFileChanged error.
/// </summary>
internal sealed class CompressedSetFile : IPositionedReader
{
    private readonly IPositionedReader _file;
    private readonly ZstdSeekableStream _stream;
    private readonly string _path;

    private CompressedSetFile(IPositionedReader file, ZstdSeekableStream stream, string path)
    {
        _file = file;
        _stream = stream;
        _path = path;
    }

    public long Length => _stream.Length;

    /// <param name="stored">The file as stored: plain, or opened with the set's key (compressed, then encrypted). Disposed with this.</param>
    /// <param name="path">The file's path in its set, for messages.</param>
    public static CompressedSetFile Open(IPositionedReader stored, string path)
    {
        try
        {
            var stream = ZstdSeekableStream.TryOpen(stored)
                ?? throw Damaged(path, "it has no zstd seek table that agrees with it");
            return new CompressedSetFile(stored, stream, path);
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    /// <summary>The content from the start, as a stream that reports damage as this class does.</summary>
    public Stream AsStream() => new PositionedReaderStream(this);

    /// <summary>
    /// Writes the whole content into <paramref name="output"/>, in order, while up to <paramref name="parallelism"/> frames
    /// decode ahead of the writes on other threads: the largest file of a restore decodes on every core, not on one.
    /// </summary>
    public async Task ExpandToAsync(Stream output, int parallelism, CancellationToken cancellationToken)
    {
        var readers = new ConcurrentBag<ZstdFrameReader>();
        var pending = new Queue<Task<(byte[] Frame, int Size)>>();
        int next = 0;
        try
        {
            while (next < _stream.FrameCount || pending.Count > 0)
            {
                while (next < _stream.FrameCount && pending.Count < Math.Max(1, parallelism))
                {
                    int index = next++;
                    pending.Enqueue(Task.Run(() => DecodeFrame(index, readers), cancellationToken));
                }

                var (frame, size) = await pending.Dequeue();
                try
                {
                    await output.WriteAsync(frame.AsMemory(0, size), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (BackupException ex) when (IsUndecodable(ex))
        {
            throw Damaged(_path, ex.Message);
        }
        finally
        {
            // Frames still decoding when a decode or a write failed: their buffers go back once they end.
            while (pending.TryDequeue(out var decoding))
            {
                try
                {
                    ArrayPool<byte>.Shared.Return((await decoding).Frame);
                }
                catch (Exception ex) when (ex is BackupException or OperationCanceledException)
                {
                }
            }

            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    public int Read(Span<byte> buffer, long offset)
    {
        try
        {
            _stream.Position = offset;
            return _stream.Read(buffer);
        }
        catch (BackupException ex) when (IsUndecodable(ex))
        {
            throw Damaged(_path, ex.Message);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private (byte[] Frame, int Size) DecodeFrame(int index, ConcurrentBag<ZstdFrameReader> readers)
    {
        var reader = readers.TryTake(out var idle) ? idle : new ZstdFrameReader();
        int size = _stream.FrameSize(index);
        byte[] frame = ArrayPool<byte>.Shared.Rent(size + 1);
        try
        {
            _stream.DecodeFrame(index, reader, frame);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(frame);
            reader.Dispose();
            throw;
        }

        readers.Add(reader);
        return (frame, size);
    }

    /// <summary>What the zstd reading says of a frame that is not the one its seek table lists.</summary>
    private static bool IsUndecodable(BackupException ex) => ex.Error == Errors.ArchiveCorrupt || ex.Error == Errors.ArchiveTruncated;

    private static BackupException Damaged(string path, string why) =>
        new(Errors.BackupSetFileChanged, $"The compressed file '{path}' of the set is damaged: {why.TrimEnd('.')}.", path);
}
