using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// Encodes entry headers as POSIX ustar, adding a pax extended header only for what ustar cannot
/// hold: long names and link targets, sizes over 8 GiB, large ids, long owner names,
/// sub-second modification times, and extended attributes and ACLs when asked for. (GNU tar's pax format adds atime/ctime/mtime records to every
/// entry; this keeps archives of many small files close to plain ustar size.)
/// </summary>
internal static class TarHeaderEncoder
{
    private static readonly byte[] UstarMagic = "ustar\u000000"u8.ToArray();

    // GNU tar takes a 'D' entry for a dumpdir only in a header of its own format (magic "ustar  ").
    private static readonly byte[] GnuMagic = "ustar  \u0000"u8.ToArray();

    /// <summary>The header blocks for one entry: one ustar block, or a pax header plus it.</summary>
    public static byte[] Encode(TarEntryHeader entry)
    {
        byte[] nameBytes = FileNameEncoding.GetBytes(entry.Name);
        byte[] linkBytes = FileNameEncoding.GetBytes(entry.LinkName);
        byte[] userBytes = FileNameEncoding.GetBytes(entry.UserName);
        byte[] groupBytes = FileNameEncoding.GetBytes(entry.GroupName);
        var pax = new List<(string Key, string Value)>();

        // A dumpdir's header is GNU's, which has no prefix field: a long name goes in a GNU long-name block.
        bool gnu = entry.DumpDirectoryData is not null;
        int split = gnu ? (nameBytes.Length <= TarFormat.NameLength ? 0 : -1) : SplitPoint(nameBytes);
        byte[] longName = gnu && split < 0 ? LongNameBlocks(nameBytes) : [];
        if (split < 0 && !gnu)
        {
            pax.Add(("path", entry.Name));
        }

        if (linkBytes.Length > TarFormat.NameLength)
        {
            pax.Add(("linkpath", entry.LinkName));
        }

        if (entry.DataSize > TarFormat.MaxOctal11)
        {
            pax.Add(("size", entry.DataSize.ToString(CultureInfo.InvariantCulture)));
        }

        if (entry.UserId is < 0 or > TarFormat.MaxOctal7)
        {
            pax.Add(("uid", entry.UserId.ToString(CultureInfo.InvariantCulture)));
        }

        if (entry.GroupId is < 0 or > TarFormat.MaxOctal7)
        {
            pax.Add(("gid", entry.GroupId.ToString(CultureInfo.InvariantCulture)));
        }

        if (userBytes.Length > TarFormat.OwnerNameLength)
        {
            pax.Add(("uname", entry.UserName));
        }

        if (groupBytes.Length > TarFormat.OwnerNameLength)
        {
            pax.Add(("gname", entry.GroupName));
        }

        var mtime = entry.ModifiedTime;
        if (mtime.Nanoseconds != 0 || mtime.Seconds is < 0 or > TarFormat.MaxOctal11)
        {
            pax.Add(("mtime", mtime.Nanoseconds == 0 ? mtime.Seconds.ToString(CultureInfo.InvariantCulture) : $"{FormatSeconds(mtime)}.{mtime.Nanoseconds:D9}"));
        }

        if (entry.Xattrs is { } xattrs)
        {
            pax.AddRange(xattrs.ToRecords());
        }

        byte[] ustar = new byte[TarFormat.BlockSize];
        FillUstar(ustar, entry, nameBytes, split, linkBytes, userBytes, groupBytes);
        if (gnu)
        {
            GnuMagic.CopyTo(ustar.AsSpan(TarFormat.MagicOffset));
            TarFormat.WriteChecksum(ustar);
            ustar = [.. longName, .. ustar];
        }

        if (pax.Count == 0)
        {
            return ustar;
        }

        byte[] records = EncodeRecords(pax);
        long paddedRecords = TarFormat.PaddedSize(records.Length);
        byte[] result = new byte[TarFormat.BlockSize + paddedRecords + ustar.Length];
        var paxHeader = result.AsSpan(0, TarFormat.BlockSize);
        string paxName = "PaxHeaders/" + Path.GetFileName(entry.Name.TrimEnd('/'));
        byte[] paxNameBytes = FileNameEncoding.GetBytes(paxName);
        CopyTruncated(paxNameBytes, paxHeader[..TarFormat.NameLength]);
        TarFormat.WriteOctal(paxHeader.Slice(TarFormat.ModeOffset, 8), 0x1A4);
        TarFormat.WriteNumber(paxHeader.Slice(TarFormat.UidOffset, 8), Math.Clamp(entry.UserId, 0, TarFormat.MaxOctal7));
        TarFormat.WriteNumber(paxHeader.Slice(TarFormat.GidOffset, 8), Math.Clamp(entry.GroupId, 0, TarFormat.MaxOctal7));
        TarFormat.WriteNumber(paxHeader.Slice(TarFormat.SizeOffset, 12), records.Length);
        TarFormat.WriteNumber(paxHeader.Slice(TarFormat.MtimeOffset, 12), Math.Clamp(mtime.Seconds, 0, TarFormat.MaxOctal11));
        paxHeader[TarFormat.TypeOffset] = (byte)'x';
        UstarMagic.CopyTo(paxHeader[TarFormat.MagicOffset..]);
        TarFormat.WriteChecksum(paxHeader);
        records.CopyTo(result, TarFormat.BlockSize);
        ustar.CopyTo(result, TarFormat.BlockSize + paddedRecords);
        return result;
    }

    /// <summary>A GNU long-name entry ('L', "././@LongLink") holding <paramref name="name"/> and a NUL, padded to whole blocks.</summary>
    private static byte[] LongNameBlocks(byte[] name)
    {
        byte[] result = new byte[TarFormat.BlockSize + TarFormat.PaddedSize(name.Length + 1)];
        var header = result.AsSpan(0, TarFormat.BlockSize);
        "././@LongLink"u8.CopyTo(header);
        TarFormat.WriteOctal(header.Slice(TarFormat.ModeOffset, 8), 0x1A4);
        TarFormat.WriteOctal(header.Slice(TarFormat.UidOffset, 8), 0);
        TarFormat.WriteOctal(header.Slice(TarFormat.GidOffset, 8), 0);
        TarFormat.WriteNumber(header.Slice(TarFormat.SizeOffset, 12), name.Length + 1);
        TarFormat.WriteOctal(header.Slice(TarFormat.MtimeOffset, 12), 0);
        header[TarFormat.TypeOffset] = (byte)'L';
        GnuMagic.CopyTo(header[TarFormat.MagicOffset..]);
        TarFormat.WriteChecksum(header);
        name.CopyTo(result, TarFormat.BlockSize);
        return result;
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public static int EndOfArchiveLength => 2 * TarFormat.BlockSize;

    private static string FormatSeconds(UnixTime time) =>
        time.Seconds < 0 && time.Nanoseconds > 0
            ? "-" + (-(time.Seconds + 1)).ToString(CultureInfo.InvariantCulture)
            : time.Seconds.ToString(CultureInfo.InvariantCulture);

    private static void FillUstar(Span<byte> header, TarEntryHeader entry, byte[] name, int split, byte[] link, byte[] user, byte[] group)
    {
        if (split == 0)
        {
            name.CopyTo(header);
        }
        else if (split > 0)
        {
            name.AsSpan(split + 1).CopyTo(header);
            name.AsSpan(0, split).CopyTo(header[TarFormat.PrefixOffset..]);
        }
        else
        {
            CopyTruncated(name, header[..TarFormat.NameLength]);
        }

        TarFormat.WriteOctal(header.Slice(TarFormat.ModeOffset, 8), entry.Mode & 0xFFF);
        TarFormat.WriteNumber(header.Slice(TarFormat.UidOffset, 8), entry.UserId);
        TarFormat.WriteNumber(header.Slice(TarFormat.GidOffset, 8), entry.GroupId);
        TarFormat.WriteNumber(header.Slice(TarFormat.SizeOffset, 12), entry.DataSize);
        TarFormat.WriteNumber(header.Slice(TarFormat.MtimeOffset, 12), entry.ModifiedTime.Seconds);
        header[TarFormat.TypeOffset] = entry.Type switch
        {
            TarEntryType.File => (byte)'0',
            TarEntryType.HardLink => (byte)'1',
            TarEntryType.SymbolicLink => (byte)'2',
            TarEntryType.CharacterDevice => (byte)'3',
            TarEntryType.BlockDevice => (byte)'4',
            TarEntryType.Directory => entry.DumpDirectoryData is null ? (byte)'5' : (byte)'D',
            TarEntryType.Fifo => (byte)'6',
            _ => (byte)'0',
        };
        CopyTruncated(link, header.Slice(TarFormat.LinkNameOffset, TarFormat.NameLength));
        UstarMagic.CopyTo(header[TarFormat.MagicOffset..]);
        CopyTruncated(user, header.Slice(TarFormat.UserNameOffset, TarFormat.OwnerNameLength));
        CopyTruncated(group, header.Slice(TarFormat.GroupNameOffset, TarFormat.OwnerNameLength));
        if (entry.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            TarFormat.WriteNumber(header.Slice(TarFormat.DevMajorOffset, 8), entry.DeviceMajor);
            TarFormat.WriteNumber(header.Slice(TarFormat.DevMinorOffset, 8), entry.DeviceMinor);
        }
        else
        {
            TarFormat.WriteOctal(header.Slice(TarFormat.DevMajorOffset, 8), 0);
            TarFormat.WriteOctal(header.Slice(TarFormat.DevMinorOffset, 8), 0);
        }

        TarFormat.WriteChecksum(header);
    }

    /// <summary>0 when the name fits the name field, the index of the '/' that splits it into prefix and name, or -1.</summary>
    private static int SplitPoint(byte[] name)
    {
        if (name.Length <= TarFormat.NameLength)
        {
            return 0;
        }

        int limit = Math.Min(name.Length - 1, TarFormat.PrefixLength);
        for (int i = limit; i > 0; i--)
        {
            if (name[i] == '/' && name.Length - i - 1 <= TarFormat.NameLength && name.Length - i - 1 > 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static void CopyTruncated(byte[] source, Span<byte> field)
    {
        int length = Math.Min(source.Length, field.Length);
        while (length > 0 && length < source.Length && (source[length] & 0xC0) == 0x80)
        {
            length--;
        }

        source.AsSpan(0, length).CopyTo(field);
    }

    private static byte[] EncodeRecords(List<(string Key, string Value)> records)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in records)
        {
            int body = FileNameEncoding.GetByteCount($" {key}={value}\n");
            int length = body + 1;
            while (length.ToString(CultureInfo.InvariantCulture).Length + body != length)
            {
                length = length.ToString(CultureInfo.InvariantCulture).Length + body;
            }

            builder.Append(CultureInfo.InvariantCulture, $"{length} {key}={value}\n");
        }

        return FileNameEncoding.GetBytes(builder.ToString());
    }
}
