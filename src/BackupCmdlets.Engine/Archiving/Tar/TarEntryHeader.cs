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

    /// <summary>Content bytes stored after the header (0 for links, folders and devices).</summary>
    public long DataSize => Type is TarEntryType.File ? Sparse?.StoredSize ?? Size : 0;

    /// <summary>The entry as Get-TarArchiveItem lists it.</summary>
    public TarArchiveItem ToItem(string archivePath) => new(
        archivePath,
        Name,
        Type,
        Size,
        (UnixFileMode)(Mode & 0xFFF),
        UserName.Length > 0 ? UserName : UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        GroupName.Length > 0 ? GroupName : GroupId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        UserId,
        GroupId,
        ModifiedTime.ToDateTimeOffset(),
        Type is TarEntryType.SymbolicLink or TarEntryType.HardLink ? LinkName : null,
        Offset);
}
