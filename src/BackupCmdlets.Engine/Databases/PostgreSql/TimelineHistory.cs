using System.Globalization;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// A timeline's history file (<c>pg_wal/0000000N.history</c>): one line per ancestor timeline with the
/// LSN at which the next timeline branched off it.
/// </summary>
internal static class TimelineHistory
{
    /// <summary>
    /// Where timeline <paramref name="timeline"/>'s history left <paramref name="ancestor"/>; null when the
    /// history file is missing or does not name it (then it is no ancestor as far as can be told).
    /// </summary>
    public static Lsn? BranchPoint(string dataDirectory, long timeline, long ancestor)
    {
        string path = Path.Combine(dataDirectory, "pg_wal", timeline.ToString("X8", CultureInfo.InvariantCulture) + ".history");
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split('\t', 3);
            if (fields.Length >= 2
                && long.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long id)
                && id == ancestor
                && Lsn.TryParse(fields[1].Trim(), out var at))
            {
                return at;
            }
        }

        return null;
    }
}
