using SharpCompress.Compressors.Xz;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// The decompressed bytes of an xz file of one or more streams (with stream padding between them, as
/// xz reads them), decoded by SharpCompress. <see cref="XzStructure"/> holds the file to the rest of
/// the format on the way in, so a damaged index, footer or chunk is an error and a file that ends
/// inside a stream is a truncation; whatever the decoder throws is corruption at the offset reached.
/// </summary>
internal sealed class XzDecompressingStream(Stream file) : IO.ReadOnlyStream
{
    private readonly XzInput _input = new(file);
    private XZStream? _current;
    private bool _finished;

    /// <summary>Compressed bytes taken from the file so far (for progress).</summary>
    public long CompressedBytesRead => _input.BytesRead;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_finished)
        {
            if (_current is null && !StartNextStream())
            {
                _finished = true;
                return 0;
            }

            int n = Decode(_current!, buffer);
            if (n > 0)
            {
                return n;
            }

            if (!_input.Structure.AtStreamEnd)
            {
                throw new BackupException(Errors.ArchiveCorrupt, $"Corrupt xz data at compressed offset {_input.BytesRead}: the decoder stopped {_input.Structure.Where}.", offset: _input.BytesRead);
            }

            _current = null;
        }

        return 0;
    }

    private int Decode(XZStream decoder, Span<byte> buffer)
    {
        try
        {
            return decoder.Read(buffer);
        }
        catch (Exception ex) when (ex is not (BackupException or OperationCanceledException or OutOfMemoryException) && !(ex is IOException && _input.FileFailed))
        {
            // SharpCompress reports damage with exceptions of several types (its own, InvalidDataException,
            // index and argument errors); whichever it is, the data is at fault.
            throw new BackupException(Errors.ArchiveCorrupt, $"Corrupt xz data near compressed offset {_input.BytesRead} ({_input.Structure.Where}): {ex.Message}", inner: ex, offset: _input.BytesRead);
        }
    }

    /// <summary>Passes the padding after a stream; answers whether another stream follows.</summary>
    private bool StartNextStream()
    {
        while (true)
        {
            int b = _input.ReadByte();
            if (b < 0)
            {
                _input.Structure.Finish();
                return false;
            }

            if (b != 0)
            {
                // The structure took it as the first byte of a stream header.
                _input.PushBack((byte)b);
                _current = new XZStream(_input);
                return true;
            }
        }
    }
}
