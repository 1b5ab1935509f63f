using System.Globalization;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Cli.Commands;

/// <summary>One entry as a <c>tar -tv</c> line, for the CLI's text output; names are escaped as GNU tar escapes them.</summary>
internal static class TarListingLine
{
    public static string Format(TarArchiveItem item)
    {
        string owner = $"{item.Owner}/{item.Group}";
        string link = item.LinkTarget is not { } target ? "" : item.Type == Engine.Archiving.Tar.TarEntryType.HardLink ? $" link to {BackupEngine.PrintableFileName(target)}" : $" -> {BackupEngine.PrintableFileName(target)}";
        return $"{item.Permissions} {owner,-16} {item.Size,12} {item.Modified.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {BackupEngine.PrintableFileName(item.Name)}{link}";
    }
}
