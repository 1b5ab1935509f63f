namespace BackupCmdlets.Engine.IO;

/// <summary>The content of an <see cref="IPositionedReader"/> read in order from its start, as a stream that disposes the reader with it.</summary>
internal sealed class PositionedReaderStream(IPositionedReader reader) : ReadOnlyStream
{
    private long _position;

    public override long Length => reader.Length;

    public override int Read(Span<byte> buffer)
    {
        int read = reader.Read(buffer, _position);
        _position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
