using System.Globalization;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Cli.Commands;

/// <summary>One entry as a <c>tar -tv</c> line, for the CLI's text output.</summary>
internal static class TarListingLine
{
    public static string Format(TarArchiveItem item)
    {
        string owner = $"{item.Owner}/{item.Group}";
        string link = item.LinkTarget is null ? "" : item.Type == Engine.Archiving.Tar.TarEntryType.HardLink ? $" link to {item.LinkTarget}" : $" -> {item.LinkTarget}";
        return $"{item.Permissions} {owner,-16} {item.Size,12} {item.Modified.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {item.Name}{link}";
    }
}
