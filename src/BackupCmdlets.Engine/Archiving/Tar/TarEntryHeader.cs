using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>One entry's header, after long-name and pax records are applied.</summary>
internal sealed record TarEntryHeader(
    string Name,
    TarEntryType Type,
    int Mode,
    long UserId,
    long GroupId,
    string UserName,
    string GroupName,
    long Size,
    UnixTime ModifiedTime,
    string LinkName,
    int DeviceMajor,
    int DeviceMinor)
{
    /// <summary>Offset of the entry's first header block in the tar stream.</summary>
    public long Offset { get; init; }

    /// <summary>For a GNU sparse file, where its stored data lies (<see cref="Size"/> is then its real size, holes included).</summary>
    public SparseMap? Sparse { get; init; }

    /// <summary>Extended attributes and ACLs (SCHILY.* pax records), when the archive holds them for this entry.</summary>
    public EntryXattrs? Xattrs { get; init; }

    /// <summary>For a GNU dumpdir (a folder of an incremental archive, typeflag 'D'): the names it lists.</summary>
    public IReadOnlyList<DumpDirectoryName>? DumpDirectory { get; init; }

    /// <summary>The dumpdir as stored after the header.</summary>
    public byte[]? DumpDirectoryData { get; init; }

    /// <summary>Content bytes stored after the header (0 for links, folders and devices; a dumpdir's list).</summary>
    public long DataSize => Type is TarEntryType.File ? Sparse?.StoredSize ?? Size : DumpDirectoryData?.Length ?? 0;

    /// <summary>The header of a folder with its dumpdir.</summary>
    public TarEntryHeader WithDumpDirectory(IReadOnlyList<DumpDirectoryName> names) =>
        this with { DumpDirectory = names, DumpDirectoryData = DumpDirectoryFormat.Encode(names) };

    /// <summary>The entry as Get-TarArchiveItem lists it.</summary>
    public TarArchiveItem ToItem(string archivePath) => new(
        archivePath,
        Name,
        DumpDirectory is null ? Type : TarEntryType.DumpDirectory,
        DumpDirectoryData?.Length ?? Size,
        (UnixFileMode)(Mode & 0xFFF),
        UserName.Length > 0 ? UserName : UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        GroupName.Length > 0 ? GroupName : GroupId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        UserId,
        GroupId,
        ModifiedTime.ToDateTimeOffset(),
        Type is TarEntryType.SymbolicLink or TarEntryType.HardLink ? LinkName : null,
        Offset)
    {
        DumpDirectory = DumpDirectory,
    };
}
