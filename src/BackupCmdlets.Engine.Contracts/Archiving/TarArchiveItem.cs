using BackupCmdlets.Engine.Archiving.Tar;

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
}
