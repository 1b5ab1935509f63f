using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>The front half of archive creation: lays tar bytes into fixed-size chunks for <see cref="ArchiveOutput"/>.</summary>
internal sealed class TarChunkWriter
{
    private readonly ArchiveOutput _output;
    private ArraySegment<byte> _chunk;
    private int _used;

    public TarChunkWriter(ArchiveOutput output)
    {
        _output = output;
        _chunk = output.Rent();
    }

    /// <summary>Tar bytes written so far (the uncompressed size).</summary>
    public long Position { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var space = FreeSpace();
            int n = Math.Min(space.Length, data.Length);
            data[..n].CopyTo(space);
            Advance(n);
            data = data[n..];
        }
    }

    public void WriteZeros(long count)
    {
        while (count > 0)
        {
            var space = FreeSpace();
            int n = (int)Math.Min(space.Length, count);
            space[..n].Clear();
            Advance(n);
            count -= n;
        }
    }

    /// <summary>Zeros up to the next 512-byte block.</summary>
    public void PadToBlock() => WriteZeros(TarFormat.PaddedSize(Position) - Position);

    /// <summary>Room in the current chunk to write into directly (e.g. a file read); follow with <see cref="Advance"/>.</summary>
    public Span<byte> FreeSpace()
    {
        if (_used == _output.ChunkSize)
        {
            Flush();
        }

        return _chunk.AsSpan(_used, _output.ChunkSize - _used);
    }

    public void Advance(int count)
    {
        _used += count;
        Position += count;
    }

    /// <summary>Ends the archive: the end-of-archive marker, padding to a whole 10 KiB record as GNU tar does, and the last chunk.</summary>
    public void Finish()
    {
        WriteZeros(TarHeaderEncoder.EndOfArchiveLength);
        long padded = (Position + TarFormat.RecordSize - 1) / TarFormat.RecordSize * TarFormat.RecordSize;
        WriteZeros(padded - Position);
        Flush();
        Discard();
    }

    public void Discard()
    {
        if (_chunk.Array is not null)
        {
            _output.Return(_chunk);
            _chunk = default;
        }
    }

    private void Flush()
    {
        if (_used == 0)
        {
            return;
        }

        var full = _chunk;
        int length = _used;
        _chunk = _output.Rent();
        _used = 0;
        _output.Submit(full, length);
    }
}
