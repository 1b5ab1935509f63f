using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>One entry of an archive, as Get-TarArchiveItem lists it (the columns of <c>tar -tv</c>).</summary>
public sealed record TarArchiveItem(
    string ArchivePath,
    string Name,
    TarEntryType Type,
    long Size,
    UnixFileMode UnixFileMode,
    string Owner,
    string Group,
    long UserId,
    long GroupId,
    DateTimeOffset Modified,
    string? LinkTarget,
    long Offset)
{
    /// <summary>The permission bits in octal, as chmod takes them: <c>0644</c>, <c>4755</c>.</summary>
    public string Mode => Convert.ToString((int)UnixFileMode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>For a dumpdir (<see cref="TarEntryType.DumpDirectory"/>): the names the folder held when archived, each with its mark; else null.</summary>
    public IReadOnlyList<DumpDirectoryName>? DumpDirectory { get; init; }

    /// <summary>The mode as <c>ls -l</c> shows it, e.g. <c>drwxr-xr-x</c>.</summary>
    public string Permissions => FileModeText.Format(Type, (int)UnixFileMode);
}
