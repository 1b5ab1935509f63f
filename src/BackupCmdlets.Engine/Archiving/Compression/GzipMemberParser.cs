using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>Reads gzip member headers and checks trailers (RFC 1952), naming offsets in errors.</summary>
internal static class GzipMemberParser
{
    /// <summary>
    /// The length of the member header at the start of <paramref name="data"/>; 0 when more bytes are
    /// needed to tell; throws when it is not a gzip header.
    /// </summary>
    public static int HeaderLength(ReadOnlySpan<byte> data, long offset)
    {
        if (data.Length < 10)
        {
            return 0;
        }

        if (data[0] != GzipFormat.Id1 || data[1] != GzipFormat.Id2)
        {
            throw Corrupt(offset, "not a gzip member header");
        }

        if (data[2] != GzipFormat.MethodDeflate)
        {
            throw Corrupt(offset, $"unknown compression method {data[2]}");
        }

        byte flags = data[3];
        int position = 10;
        if ((flags & GzipFormat.FlagExtra) != 0)
        {
            if (data.Length < position + 2)
            {
                return 0;
            }

            position += 2 + BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
        }

        foreach (byte flag in new[] { GzipFormat.FlagName, GzipFormat.FlagComment })
        {
            if ((flags & flag) == 0)
            {
                continue;
            }

            if (data.Length <= position)
            {
                return 0;
            }

            int zero = data[position..].IndexOf((byte)0);
            if (zero < 0)
            {
                return 0;
            }

            position += zero + 1;
        }

        if ((flags & GzipFormat.FlagHeaderCrc) != 0)
        {
            position += 2;
        }

        return data.Length >= position ? position : 0;
    }

    public static void CheckTrailer(ReadOnlySpan<byte> trailer, uint crc, long length, long offset)
    {
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (expectedCrc != crc)
        {
            throw Corrupt(offset, $"CRC-32 mismatch (stored {expectedCrc:x8}, computed {crc:x8})");
        }

        if (expectedSize != (uint)length)
        {
            throw Corrupt(offset, $"length mismatch (ISIZE {expectedSize}, decompressed {(uint)length})");
        }
    }

    public static BackupException Corrupt(long offset, string what) =>
        new(ArchiveErrorIds.ArchiveCorrupt, ErrorKind.InvalidData, $"Corrupt gzip data at compressed offset {offset}: {what}.");

    public static BackupException Truncated(long offset) =>
        new(ArchiveErrorIds.ArchiveTruncated, ErrorKind.InvalidData, $"The archive is truncated: the compressed data ends at offset {offset} in the middle of a gzip member.");
}
