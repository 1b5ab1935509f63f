using System.Globalization;
using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Whether a file holds a whole WAL segment of one cluster: exactly wal_segment_size bytes, and a first
/// page with the long page header PostgreSQL writes there (XLogLongPageHeaderData): the WAL magic of the
/// server's version, the address of the segment's first byte, the cluster's system identifier and segment
/// size, on the timeline of the file's name or an earlier one (the first segment of a new timeline begins
/// as a copy of the old timeline's). Recovery stops with a FATAL error at a restored segment of the wrong
/// size, and takes one whose header does not match for the end of the WAL.
/// </summary>
internal static class WalSegmentCheck
{
    private const int LongHeaderSize = 40;
    private const ushort LongHeaderFlag = 0x0002;
    private const ushort AllFlags = 0x0007;
    private const long MinimumSegmentSize = 1L << 20;
    private const long MaximumSegmentSize = 1L << 30;

    /// <summary>XLOG_PAGE_MAGIC of each major version (access/xlog_internal.h); the magic of a version not listed is not checked.</summary>
    private static readonly Dictionary<int, ushort> MagicByVersion = new()
    {
        [13] = 0xD106,
        [14] = 0xD10D,
        [15] = 0xD110,
        [16] = 0xD113,
        [17] = 0xD116,
        [18] = 0xD118,
    };

    /// <summary>
    /// What is wrong with the segment <paramref name="name"/> stored at <paramref name="path"/> (gzip- or zstd-compressed
    /// when it ends in .gz or .zst), for a cluster of the given segment size, server version (<c>15.8 ...</c>) and system
    /// identifier; null when it is a whole segment of that cluster. <paramref name="open"/> reads a file stored otherwise (encrypted).
    /// </summary>
    public static string? Problem(string path, string name, long segmentSize, string serverVersion, string systemIdentifier, Func<Stream>? open = null)
    {
        if (!WalSegments.TryParse(name, segmentSize, out long timeline, out long segmentNumber))
        {
            throw new ArgumentException($"'{name}' is not a WAL segment name.", nameof(name));
        }

        byte[] header = new byte[LongHeaderSize];
        int headerLength;
        long length;
        try
        {
            (headerLength, length) = Read(open?.Invoke() ?? StoredRedo.OpenRead(path), header);
        }
        catch (InvalidDataException ex)
        {
            return $"it is not a readable gzip file ({ex.Message})";
        }
        catch (BackupException ex) when (ex.Error != Errors.EncryptedFileDamaged)
        {
            return $"it is not a readable zstd file ({ex.Message})";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"it cannot be read ({ex.Message})";
        }

        return Judge(header.AsSpan(0, headerLength), length, timeline, segmentNumber, segmentSize, serverVersion, systemIdentifier);
    }

    /// <summary>
    /// What is wrong with <paramref name="content"/> as the segment (or partial segment) <paramref name="segmentName"/>
    /// of whatever cluster wrote it: the segment size is taken from its own first page header, so the
    /// version's magic and the system identifier are not checked. Null when it is a whole segment.
    /// </summary>
    public static string? ProblemOfOwnCluster(ReadOnlySpan<byte> content, string segmentName)
    {
        if (content.Length < LongHeaderSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it is {content.Length} bytes, too short to hold a page header");
        }

        long segmentSize = MemoryMarshal.Read<uint>(content[32..]);
        if (segmentSize < MinimumSegmentSize || segmentSize > MaximumSegmentSize || (segmentSize & (segmentSize - 1)) != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its first page header gives a segment size of {segmentSize} bytes, which is no WAL segment size (a power of two from 1 MiB to 1 GiB): it is not the start of a WAL segment");
        }

        if (!WalSegments.TryParse(segmentName, segmentSize, out long timeline, out long segmentNumber))
        {
            throw new ArgumentException($"'{segmentName}' is not a WAL segment name.", nameof(segmentName));
        }

        return Judge(content[..LongHeaderSize], content.Length, timeline, segmentNumber, segmentSize, "", "");
    }

    private static string? Judge(ReadOnlySpan<byte> header, long length, long timeline, long segmentNumber, long segmentSize, string serverVersion, string systemIdentifier)
    {
        int headerLength = header.Length;
        var problems = new List<string>();
        if (length != segmentSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"it is {length} bytes, and a WAL segment of this cluster is {segmentSize} bytes (wal_segment_size)"));
        }

        if (headerLength < LongHeaderSize)
        {
            problems.Add("it is too short to hold a page header");
            return string.Join("; ", problems);
        }

        var span = header;
        ushort magic = MemoryMarshal.Read<ushort>(span);
        ushort flags = MemoryMarshal.Read<ushort>(span[2..]);
        uint pageTimeline = MemoryMarshal.Read<uint>(span[4..]);
        ulong address = MemoryMarshal.Read<ulong>(span[8..]);
        ulong headerSystemIdentifier = MemoryMarshal.Read<ulong>(span[24..]);
        uint headerSegmentSize = MemoryMarshal.Read<uint>(span[32..]);
        int version = MajorVersion(serverVersion);
        if (MagicByVersion.TryGetValue(version, out ushort expectedMagic) && magic != expectedMagic)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its page magic is 0x{magic:X4}, and PostgreSQL {version}'s is 0x{expectedMagic:X4} (WAL of another version, or not WAL)"));
        }

        if ((flags & LongHeaderFlag) == 0 || (flags & ~AllFlags) != 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its first page has no long page header (flags 0x{flags:X4})"));
        }

        var start = new Lsn((ulong)segmentNumber * (ulong)segmentSize);
        if (address != start.Value)
        {
            problems.Add($"its first page's address is {new Lsn(address)}, and this segment begins at {start} (the bytes of another segment)");
        }

        if (pageTimeline == 0 || pageTimeline > timeline)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its first page is on timeline {pageTimeline}, neither the file's timeline {timeline} nor an earlier one"));
        }

        if (ulong.TryParse(systemIdentifier, NumberStyles.None, CultureInfo.InvariantCulture, out ulong expectedSystemIdentifier) && headerSystemIdentifier != expectedSystemIdentifier)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its system identifier is {headerSystemIdentifier}, and this cluster's is {expectedSystemIdentifier} (WAL of another cluster)"));
        }

        if (headerSegmentSize != segmentSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"its header gives a segment size of {headerSegmentSize} bytes, and this cluster's is {segmentSize}"));
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>The major version in a server_version such as <c>15.8 (Debian 15.8-1.pgdg120+1)</c> or <c>16beta1</c>; 0 when there is none.</summary>
    private static int MajorVersion(string serverVersion)
    {
        int digits = 0;
        while (digits < serverVersion.Length && char.IsAsciiDigit(serverVersion[digits]))
        {
            digits++;
        }

        return int.TryParse(serverVersion.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int major) ? major : 0;
    }

    /// <summary>Reads the first page header into <paramref name="header"/> and answers how much of it there was and the segment's length (uncompressed, for a compressed file).</summary>
    private static (int HeaderLength, long Length) Read(Stream opened, byte[] header)
    {
        using var content = opened;
        if (content is FileStream file)
        {
            return (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false), file.Length);
        }

        int headerLength = content.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        long length = headerLength;
        byte[] buffer = new byte[1 << 16];
        int read;
        while ((read = content.Read(buffer)) > 0)
        {
            length += read;
        }

        return (headerLength, length);
    }
}
