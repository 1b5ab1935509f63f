using System.Globalization;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Cli.Commands;

/// <summary>One entry as a <c>tar -tv</c> line, for the CLI's text output; names are escaped as GNU tar escapes them.</summary>
internal static class TarListingLine
{
    public static string Format(TarArchiveItem item)
    {
        string owner = $"{item.Owner}/{item.Group}";
        string link = item.LinkTarget is not { } target ? "" : item.Type == Engine.Archiving.Tar.TarEntryType.HardLink ? $" link to {FileNameEncoding.Escape(target)}" : $" -> {FileNameEncoding.Escape(target)}";
        return $"{item.Permissions} {owner,-16} {item.Size,12} {item.Modified.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {FileNameEncoding.Escape(item.Name)}{link}";
    }
}
