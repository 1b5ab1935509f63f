using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// Hand-made tar archives with entries no honest tool writes (traversal, absolute names, escaping
/// links, links re-pointed mid-archive, header fields and pax records that do not hold what they should).
/// </summary>
public sealed class CraftedTar
{
    private static readonly UnixTime Time = new(1_600_000_000, 0);
    private readonly MemoryStream _data = new();

    /// <summary>Offset of the first header block of the last entry added.</summary>
    public long LastOffset { get; private set; }

    public CraftedTar File(string name, string content, int mode = 0x1A4, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name, TarEntryType.File, mode, uid, gid, "", "", Encoding.UTF8.GetByteCount(content), Time, "", 0, 0), Encoding.UTF8.GetBytes(content));

    public CraftedTar File(string name, byte[] content) =>
        Add(new TarEntryHeader(name, TarEntryType.File, 0x1A4, 0, 0, "", "", content.Length, Time, "", 0, 0), content);

    public CraftedTar Directory(string name, int mode = 0x1ED, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name.TrimEnd('/') + "/", TarEntryType.Directory, mode, uid, gid, "", "", 0, Time, "", 0, 0), []);

    /// <summary>A GNU dumpdir entry (typeflag 'D') whose data is <paramref name="list"/> exactly as given (each name with its mark letter, NUL-terminated, and a final NUL when the caller puts one).</summary>
    public CraftedTar DumpDirectory(string name, string list)
    {
        byte[] data = Encoding.UTF8.GetBytes(list);
        byte[] header = TarHeaderEncoder.Encode(new TarEntryHeader(name.TrimEnd('/') + "/", TarEntryType.Directory, 0x1ED, 0, 0, "", "", 0, Time, "", 0, 0));
        header[TarFormat.TypeOffset] = (byte)'D';
        TarFormat.WriteNumber(header.AsSpan(TarFormat.SizeOffset, 12), data.Length);
        TarFormat.WriteChecksum(header);
        return AddRaw(header, data);
    }

    public CraftedTar Symlink(string name, string target) =>
        Add(new TarEntryHeader(name, TarEntryType.SymbolicLink, 0x1FF, 0, 0, "", "", 0, Time, target, 0, 0), []);

    public CraftedTar HardLink(string name, string target) =>
        Add(new TarEntryHeader(name, TarEntryType.HardLink, 0x1A4, 0, 0, "", "", 0, Time, target, 0, 0), []);

    public CraftedTar Fifo(string name, long uid = 0, long gid = 0) =>
        Add(new TarEntryHeader(name, TarEntryType.Fifo, 0x1A4, uid, gid, "", "", 0, Time, "", 0, 0), []);

    /// <summary>An entry (a file unless <paramref name="type"/> says otherwise) whose ustar header has the bytes <paramref name="field"/> at <paramref name="fieldOffset"/>, the checksum made right again.</summary>
    public CraftedTar FileWithRawField(string name, string content, int fieldOffset, byte[] field, char type = '0')
    {
        byte[] header = TarHeaderEncoder.Encode(new TarEntryHeader(name, TarEntryType.File, 0x1A4, 0, 0, "", "", Encoding.UTF8.GetByteCount(content), new UnixTime(1_600_000_000, 0), "", 0, 0));
        header[TarFormat.TypeOffset] = (byte)type;
        field.CopyTo(header, fieldOffset);
        TarFormat.WriteChecksum(header);
        return AddRaw(header, Encoding.UTF8.GetBytes(content));
    }

    /// <summary>A file preceded by a pax extended header holding <paramref name="records"/> exactly as given ("LEN key=value\n" each).</summary>
    public CraftedTar FileWithPax(string name, string content, params string[] records)
    {
        byte[] pax = Encoding.UTF8.GetBytes(string.Concat(records));
        byte[] file = TarHeaderEncoder.Encode(new TarEntryHeader(name, TarEntryType.File, 0x1A4, 0, 0, "", "", Encoding.UTF8.GetByteCount(content), new UnixTime(1_600_000_000, 0), "", 0, 0));
        return AddRaw([.. MetaHeader("PaxHeaders/" + name, 'x', pax.Length), .. Padded(pax), .. file], Encoding.UTF8.GetBytes(content));
    }

    /// <summary>A pax extended header on its own ('x' for the next entry, 'g' for all that follow), holding <paramref name="records"/> as given.</summary>
    public CraftedTar Extended(char type, params string[] records)
    {
        byte[] pax = Encoding.UTF8.GetBytes(string.Concat(records));
        return AddRaw(MetaHeader("PaxHeaders/extended", type, pax.Length), pax);
    }

    /// <summary>A file preceded by a GNU long-name block ('L') whose size field holds <paramref name="sizeField"/>.</summary>
    public CraftedTar FileWithLongNameSize(string name, string content, byte[] sizeField)
    {
        byte[] meta = MetaHeader("././@LongLink", 'L', 0);
        sizeField.CopyTo(meta, TarFormat.SizeOffset);
        TarFormat.WriteChecksum(meta);
        byte[] file = TarHeaderEncoder.Encode(new TarEntryHeader(name, TarEntryType.File, 0x1A4, 0, 0, "", "", Encoding.UTF8.GetByteCount(content), new UnixTime(1_600_000_000, 0), "", 0, 0));
        return AddRaw([.. meta, .. file], Encoding.UTF8.GetBytes(content));
    }

    /// <summary>A pax record with its length prefix computed, as "LEN key=value\n".</summary>
    public static string Record(string key, string value)
    {
        int body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        int length = body + 1;
        while (length.ToString(CultureInfo.InvariantCulture).Length + body != length)
        {
            length = length.ToString(CultureInfo.InvariantCulture).Length + body;
        }

        return $"{length} {key}={value}\n";
    }

    /// <summary>A 12-byte GNU base-256 field holding <paramref name="value"/> as GNU tar writes it (two's complement, leading bit set).</summary>
    public static byte[] Base256(long value)
    {
        byte[] field = new byte[12];
        for (int i = 11; i >= 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8;
        }

        field[0] |= 0x80;
        return field;
    }

    public string Save(string path)
    {
        System.IO.File.WriteAllBytes(path, [.. _data.ToArray(), .. new byte[TarFormat.RecordSize]]);
        return path;
    }

    private static byte[] MetaHeader(string name, char type, long size)
    {
        byte[] header = new byte[TarFormat.BlockSize];
        Encoding.UTF8.GetBytes(name.Length > 99 ? name[..99] : name).CopyTo(header, 0);
        TarFormat.WriteOctal(header.AsSpan(TarFormat.ModeOffset, 8), 0x1A4);
        TarFormat.WriteOctal(header.AsSpan(TarFormat.UidOffset, 8), 0);
        TarFormat.WriteOctal(header.AsSpan(TarFormat.GidOffset, 8), 0);
        TarFormat.WriteOctal(header.AsSpan(TarFormat.SizeOffset, 12), size);
        TarFormat.WriteOctal(header.AsSpan(TarFormat.MtimeOffset, 12), 0);
        header[TarFormat.TypeOffset] = (byte)type;
        "ustar\u000000"u8.CopyTo(header.AsSpan(TarFormat.MagicOffset));
        TarFormat.WriteChecksum(header);
        return header;
    }

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[TarFormat.PaddedSize(data.Length) - data.Length]];

    private CraftedTar Add(TarEntryHeader header, byte[] content) => AddRaw(TarHeaderEncoder.Encode(header), content);

    private CraftedTar AddRaw(byte[] headers, byte[] content)
    {
        LastOffset = _data.Position;
        _data.Write(headers);
        _data.Write(Padded(content));
        return this;
    }
}
