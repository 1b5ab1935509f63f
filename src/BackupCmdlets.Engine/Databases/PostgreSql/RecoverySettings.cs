using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// The settings a restore gives the restored server, as one marked block at the end of
/// postgresql.auto.conf. Writing it first takes out any earlier block and every setting it governs
/// that the file holds (from an earlier restore the set's source was itself made from), so no
/// recovery target or archive command the set did not ask for survives.
/// </summary>
internal static partial class RecoverySettings
{
    private const string Begin = "# BEGIN BackupCmdlets restore settings (Restore-BackupSet replaces this block)";
    private const string End = "# END BackupCmdlets restore settings";

    private static readonly string[] RecoveryKeys =
    [
        "restore_command", "recovery_target", "recovery_target_name", "recovery_target_time", "recovery_target_xid",
        "recovery_target_lsn", "recovery_target_inclusive", "recovery_target_timeline", "recovery_target_action",
    ];

    private static readonly string[] ArchiveKeys = ["archive_mode", "archive_command", "archive_library"];

    /// <summary>Rewrites <paramref name="autoConf"/> with <paramref name="settings"/> (name, value) as its block.</summary>
    public static void Write(string autoConf, IReadOnlyList<(string Name, string Value)> settings, bool replacesArchiving)
    {
        var governed = RecoveryKeys.Concat(replacesArchiving ? ArchiveKeys : []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = new List<string>();
        bool inBlock = false;
        foreach (string line in File.Exists(autoConf) ? File.ReadAllLines(autoConf) : [])
        {
            if (line == Begin)
            {
                inBlock = true;
            }
            else if (line == End)
            {
                inBlock = false;
            }
            else if (!inBlock && !(SettingName().Match(line) is { Success: true } m && governed.Contains(m.Groups[1].Value)))
            {
                kept.Add(line);
            }
        }

        var text = new StringBuilder();
        foreach (string line in kept)
        {
            text.Append(line).Append('\n');
        }

        text.Append(Begin).Append('\n');
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").Append(Quote(value)).Append('\n');
        }

        text.Append(End).Append('\n');
        File.WriteAllText(autoConf, text.ToString());
    }

    /// <summary>A value as postgresql.conf quotes it: the file's parser takes a backslash as an escape, so one is doubled too (sh's '\'' quoting has them).</summary>
    public static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A word as sh quotes it, whatever bytes it holds.</summary>
    public static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex SettingName();
}
