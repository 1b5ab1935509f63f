using BackupCmdlets.Engine.Archiving;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Checks the blocks of one file of a tar set in the bytes the archive engine reads for the tar, so the
/// file is read once: the whole blocks of each read where they lie (a torn block's re-read version goes
/// into the tar), a block split between two reads put together first (and stored as first read).
/// </summary>
internal sealed class ArchivedBlockCheck(SetFileCopier copier, SourceFile file, IBlockVerifier verifier) : IEntryContentInspector
{
    private byte[]? _split;
    private int _splitLength;
    private long _next;

    public void Inspect(SafeFileHandle source, Span<byte> content, long offset)
    {
        if (offset != _next)
        {
            throw new InvalidOperationException($"'{file.SetPath}' was read out of order: at {offset}, after {_next} bytes.");
        }

        _next = offset + content.Length;
        int blockSize = verifier.BlockSize;
        if (_splitLength > 0)
        {
            int take = Math.Min(blockSize - _splitLength, content.Length);
            content[..take].CopyTo(_split.AsSpan(_splitLength));
            _splitLength += take;
            content = content[take..];
            offset += take;
            if (_splitLength < blockSize)
            {
                return;
            }

            copier.VerifyChunk(file, verifier, source, _split, offset - blockSize);
            _splitLength = 0;
        }

        int whole = content.Length - content.Length % blockSize;
        if (whole > 0)
        {
            copier.VerifyChunk(file, verifier, source, content[..whole], offset);
        }

        if (whole < content.Length)
        {
            _split ??= new byte[blockSize];
            content[whole..].CopyTo(_split);
            _splitLength = content.Length - whole;
        }
    }
}
