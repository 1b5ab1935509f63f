using System.Buffers.Binary;

namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>Reads gzip member headers and checks trailers (RFC 1952), naming offsets in errors.</summary>
internal static class GzipMemberParser
{
    /// <summary>
    /// Consumes the member header at the start of <paramref name="source"/>, checking what a
    /// decompressor must (magic, method, reserved flags, the header CRC when present). The optional
    /// name and comment are skipped as they stream past, so memory does not grow with their length.
    /// </summary>
    public static void SkipHeader(InputBuffer source, long offset)
    {
        Require(source, 10);
        var fixedPart = source.Available[..10];
        if (fixedPart[0] != GzipFormat.Id1 || fixedPart[1] != GzipFormat.Id2)
        {
            throw Corrupt(offset, "not a gzip member header");
        }

        if (fixedPart[2] != GzipFormat.MethodDeflate)
        {
            throw Corrupt(offset, $"unknown compression method {fixedPart[2]}");
        }

        byte flags = fixedPart[3];
        if ((flags & GzipFormat.ReservedFlags) != 0)
        {
            throw Corrupt(offset, $"reserved header flags 0x{flags & GzipFormat.ReservedFlags:x2} are set");
        }

        uint crc = Consume(source, 10, 0);
        if ((flags & GzipFormat.FlagExtra) != 0)
        {
            Require(source, 2);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(source.Available);
            crc = Consume(source, 2, crc);
            Require(source, extraLength);
            crc = Consume(source, extraLength, crc);
        }

        foreach (byte flag in (ReadOnlySpan<byte>)[GzipFormat.FlagName, GzipFormat.FlagComment])
        {
            if ((flags & flag) != 0)
            {
                crc = SkipZeroTerminated(source, crc);
            }
        }

        if ((flags & GzipFormat.FlagHeaderCrc) != 0)
        {
            Require(source, 2);
            ushort stored = BinaryPrimitives.ReadUInt16LittleEndian(source.Available);
            if (stored != (ushort)crc)
            {
                throw Corrupt(offset, $"header CRC mismatch (stored {stored:x4}, computed {(ushort)crc:x4})");
            }

            source.Advance(2);
        }
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
        new(Errors.ArchiveCorrupt, $"Corrupt gzip data at compressed offset {offset}: {what}.", offset: offset);

    public static BackupException Truncated(long offset) =>
        new(Errors.ArchiveTruncated, $"The archive is truncated: the compressed data ends at offset {offset} in the middle of a gzip member.", offset: offset);

    private static void Require(InputBuffer source, int count)
    {
        if (!source.Ensure(count))
        {
            throw Truncated(source.Offset + source.Available.Length);
        }
    }

    private static uint Consume(InputBuffer source, int count, uint crc)
    {
        crc = ZlibNative.Crc32(crc, source.Available[..count]);
        source.Advance(count);
        return crc;
    }

    private static uint SkipZeroTerminated(InputBuffer source, uint crc)
    {
        while (true)
        {
            Require(source, 1);
            int zero = source.Available.IndexOf((byte)0);
            if (zero >= 0)
            {
                return Consume(source, zero + 1, crc);
            }

            crc = Consume(source, source.Available.Length, crc);
        }
    }
}
