using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// The names of the files PostgreSQL archives and asks back: a segment (24 hex digits), a partial segment
/// (a segment's name plus .partial, left by a promotion), a backup history file (a segment's name, the
/// backup's offset in 8 hex digits and .backup) and a timeline history file (8 hex digits plus .history).
/// Nothing else is taken, so a name can never lead out of the archive folder.
/// </summary>
internal static partial class WalFileName
{
    /// <summary>Whether <paramref name="name"/> is one of those names; <paramref name="segment"/> is the segment a (partial) segment holds, else null.</summary>
    public static bool TryParse(string name, out string? segment)
    {
        var match = Pattern().Match(name);
        segment = match.Success && match.Groups["segment"].Success && !match.Groups["backup"].Success ? match.Groups["segment"].Value : null;
        return match.Success;
    }

    [GeneratedRegex(@"^(?:(?<segment>[0-9A-F]{24})(?:\.partial|(?<backup>\.[0-9A-F]{8}\.backup))?|[0-9A-F]{8}\.history)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
