using BackupCmdlets.Engine.IO;
using ICSharpCode.SharpZipLib.BZip2;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of a bzip2 file of one or more concatenated streams (what parallel
/// writers such as ours and pbzip2 produce; SharpZipLib's stream stops after the first). Block and
/// stream CRCs are checked by SharpZipLib; a file that ends inside a stream is an error.
/// </summary>
internal sealed class Bzip2DecompressingStream : ReadOnlyStream
{
    private readonly CountingStream _input;
    private BZip2InputStream? _current;
    private bool _finished;

    public Bzip2DecompressingStream(Stream input) => _input = new CountingStream(input);

    public long CompressedBytesRead => _input.BytesRead;

    public override int Read(Span<byte> buffer)
    {
        while (!_finished)
        {
            if (_current is null && !StartNextStream())
            {
                _finished = true;
                return 0;
            }

            long streamStart = _input.BytesRead;
            try
            {
                int n = _current!.Read(buffer);
                if (n > 0)
                {
                    return n;
                }
            }
            catch (EndOfStreamException)
            {
                throw new BackupException(Errors.ArchiveTruncated, $"The archive is truncated: the compressed data ends at offset {_input.BytesRead} in the middle of a bzip2 stream.", offset: _input.BytesRead);
            }
            catch (Exception ex) when (ex is BZip2Exception or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
            {
                // SharpZipLib reports some corrupt streams as index errors rather than BZip2Exception.
                throw new BackupException(Errors.ArchiveCorrupt, $"Corrupt bzip2 data near compressed offset {streamStart}: {ex.Message}", inner: ex, offset: streamStart);
            }

            _current.Dispose();
            _current = null;
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool StartNextStream()
    {
        int first = _input.ReadByte();
        if (first < 0)
        {
            return false;
        }

        long offset = _input.BytesRead - 1;
        if (first == 0)
        {
            int b;
            while ((b = _input.ReadByte()) == 0)
            {
            }

            return b < 0 ? false : throw Garbage(offset);
        }

        if (first != 'B')
        {
            throw Garbage(offset);
        }

        _input.PushBack((byte)first);
        try
        {
            _current = new BZip2InputStream(_input) { IsStreamOwner = false };
        }
        catch (Exception ex) when (ex is BZip2Exception or EndOfStreamException or IndexOutOfRangeException)
        {
            throw new BackupException(Errors.ArchiveCorrupt, $"Corrupt bzip2 stream header at compressed offset {offset}: {ex.Message}.", inner: ex, offset: offset);
        }

        return true;
    }

    private static BackupException Garbage(long offset) =>
        new(Errors.ArchiveCorrupt, $"Corrupt bzip2 data at compressed offset {offset}: data after the end of a bzip2 stream.", offset: offset);

    /// <summary>Counts what the decoder takes, and lets one peeked byte be put back.</summary>
    private sealed class CountingStream(Stream inner) : ReadOnlyStream
    {
        private readonly BufferedStream _inner = new(inner, 1 << 18);
        private int _pushedBack = -1;

        public long BytesRead { get; private set; }

        public void PushBack(byte value)
        {
            _pushedBack = value;
            BytesRead--;
        }

        public override int ReadByte()
        {
            int b;
            if (_pushedBack >= 0)
            {
                b = _pushedBack;
                _pushedBack = -1;
            }
            else
            {
                b = _inner.ReadByte();
            }

            if (b >= 0)
            {
                BytesRead++;
            }

            return b;
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_pushedBack >= 0)
            {
                buffer[0] = (byte)_pushedBack;
                _pushedBack = -1;
                BytesRead++;
                return 1;
            }

            int n = _inner.Read(buffer);
            BytesRead += n;
            return n;
        }
    }
}
