using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The compressed bytes of an xz file as the decoder takes them: every byte passes through
/// <see cref="XzStructure"/> first, a file that ends inside a stream is reported as truncated at once
/// (the decoder never meets an end it could mistake for data), and one peeked byte can be put back.
/// Reads are filled whole, as the decoder expects of its input.
/// </summary>
internal sealed class XzInput(Stream file) : ReadOnlyStream
{
    private readonly BufferedStream _file = new(file, 1 << 18);
    private int _pushedBack = -1;

    public XzStructure Structure { get; } = new();

    /// <summary>Bytes taken from the file so far.</summary>
    public long BytesRead => Structure.Position - (_pushedBack >= 0 ? 1 : 0);

    /// <summary>Whether reading the file itself failed (an I/O error, not the data).</summary>
    public bool FileFailed { get; private set; }

    /// <summary>The decoder asks where it is (to align padding); it is never asked to move.</summary>
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public void PushBack(byte value) => _pushedBack = value;

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int n = 0;
        if (_pushedBack >= 0)
        {
            // Taken by the structure when it was peeked.
            buffer[n++] = (byte)_pushedBack;
            _pushedBack = -1;
        }

        int read;
        try
        {
            read = _file.ReadAtLeast(buffer[n..], buffer.Length - n, throwOnEndOfStream: false);
        }
        catch (IOException)
        {
            FileFailed = true;
            throw;
        }

        Structure.Take(buffer.Slice(n, read));
        n += read;
        if (n < buffer.Length && !Structure.MayEnd)
        {
            Structure.Finish();
        }

        return n;
    }

    protected override void Dispose(bool disposing)
    {
        // The decoder of each stream disposes its input; the file is the caller's and outlives it.
    }
}
