using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving.Reading;

/// <summary>Tells the compression of an archive from its first bytes, never from its name.</summary>
internal static class ArchiveFormatDetector
{
    public static ArchiveCompression Detect(ReadOnlySpan<byte> head, string path)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return ArchiveCompression.GZip;
        }

        if (head.Length >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] is >= (byte)'1' and <= (byte)'9')
        {
            return ArchiveCompression.BZip2;
        }

        if (head is [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0, ..])
        {
            return ArchiveCompression.Xz;
        }

        // A zstd file may begin with a skippable frame (0x184D2A50 to 0x184D2A5F, little-endian).
        if (head is [0x28, 0xB5, 0x2F, 0xFD, ..] or [>= 0x50 and <= 0x5F, 0x2A, 0x4D, 0x18, ..])
        {
            return ArchiveCompression.Zstd;
        }

        string? other = head switch
        {
            [(byte)'P', (byte)'K', 3, 4, ..] => "zip",
            [0x1f, 0x9d, ..] => "compress (.Z)",
            _ => null,
        };
        if (other is not null)
        {
            throw new BackupException(Errors.UnsupportedCompression, $"'{path}' is {other} data; supported are plain tar, gzip, bzip2, xz and zstd.", path);
        }

        // A first block with the ustar magic is tar even when its checksum is wrong: the reader then
        // reports the damaged header rather than "not an archive".
        bool ustarMagic = head.Length >= TarFormat.BlockSize && head.Slice(TarFormat.MagicOffset, 5).SequenceEqual("ustar"u8);
        if (head.Length >= TarFormat.BlockSize && (ustarMagic || TarFormat.IsHeader(head) || head[..TarFormat.BlockSize].IndexOfAnyExcept((byte)0) < 0))
        {
            return ArchiveCompression.None;
        }

        string why = head.Length == 0 ? "it is empty" : head.Length < TarFormat.BlockSize ? "it is shorter than one tar block" : "its first block is not a tar header";
        throw new BackupException(Errors.NotAnArchive, $"'{path}' is not a tar archive: {why}.", path);
    }
}
