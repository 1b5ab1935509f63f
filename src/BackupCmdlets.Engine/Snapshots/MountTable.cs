using System.Text;

namespace BackupCmdlets.Engine.Snapshots;

/// <summary>The mounts the process sees, read from /proc/self/mountinfo (paths there escape space, tab, newline and '\' in octal).</summary>
internal sealed class MountTable
{
    private readonly List<Mount> _mounts;

    private MountTable(List<Mount> mounts) => _mounts = mounts;

    public static MountTable Read() =>
        new(File.ReadAllLines("/proc/self/mountinfo").Select(Parse).OfType<Mount>().ToList());

    /// <summary>The mount a real (symlink-free) path is on: the one with the longest mount point holding it, the last mounted when several share it.</summary>
    public Mount MountOf(string realPath) =>
        _mounts.Where(m => IsSameOrInside(realPath, m.MountPoint)).MaxBy(m => m.MountPoint.Length)!;

    /// <summary>Mount points strictly inside a folder.</summary>
    public IEnumerable<string> MountPointsInside(string realFolder) =>
        _mounts.Select(m => m.MountPoint).Where(p => p != realFolder && IsSameOrInside(p, realFolder)).Distinct(StringComparer.Ordinal);

    public static bool IsSameOrInside(string path, string folder) =>
        path == folder || folder == "/" || path.StartsWith(folder + "/", StringComparison.Ordinal);

    private static Mount? Parse(string line)
    {
        string[] fields = line.Split(' ');
        int separator = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || separator < 6 || separator + 2 >= fields.Length)
        {
            return null;
        }

        return new Mount(Unescape(fields[4]), Unescape(fields[3]), fields[separator + 1], Unescape(fields[separator + 2]));
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field.AsSpan(i + 1, 3).ToString() is var digits && digits.All(c => c is >= '0' and <= '7'))
            {
                text.Append((char)Convert.ToInt32(digits, 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }
}
