namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>A read buffer over a compressed file that keeps unconsumed bytes and the absolute offset.</summary>
internal sealed class InputBuffer
{
    private readonly Stream _input;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public InputBuffer(Stream input, int size = 1 << 18)
    {
        _input = input;
        _buffer = new byte[size];
    }

    /// <summary>Offset in the file of the first unconsumed byte.</summary>
    public long Offset { get; private set; }

    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    public void Advance(int count)
    {
        _start += count;
        Offset += count;
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are available; false at end of file.</summary>
    public bool Ensure(int count)
    {
        while (_end - _start < count)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
            }

            int n = _input.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                return false;
            }

            _end += n;
        }

        return true;
    }

    /// <summary>Reads more when nothing is available; false at end of file.</summary>
    public bool Fill() => _end > _start || Ensure(1);
}
