using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>One entry of an archive, as Get-TarArchiveItem lists it (the columns of <c>tar -tv</c>).</summary>
public sealed record TarArchiveItem(
    string ArchivePath,
    string Name,
    TarEntryType Type,
    long Size,
    int Mode,
    string Owner,
    string Group,
    long UserId,
    long GroupId,
    DateTimeOffset Modified,
    string? LinkTarget,
    long Offset)
{
    /// <summary>The mode as <c>ls -l</c> shows it, e.g. <c>drwxr-xr-x</c>.</summary>
    public string Permissions => FileModeText.Format(Type, Mode);

    internal static TarArchiveItem From(string archivePath, TarEntryHeader header) => new(
        archivePath,
        header.Name,
        header.Type,
        header.Size,
        header.Mode,
        header.UserName.Length > 0 ? header.UserName : header.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        header.GroupName.Length > 0 ? header.GroupName : header.GroupId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        header.UserId,
        header.GroupId,
        header.ModifiedTime.ToDateTimeOffset(),
        header.Type is TarEntryType.SymbolicLink or TarEntryType.HardLink ? header.LinkName : null,
        header.Offset);
}
