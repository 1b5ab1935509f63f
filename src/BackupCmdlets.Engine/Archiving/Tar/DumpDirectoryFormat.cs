using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// The data of a GNU dumpdir entry (typeflag 'D') and of a snapshot file's folder record: one string
/// per name, its mark letter first, each ending in NUL, and one more NUL after the last.
/// </summary>
internal static class DumpDirectoryFormat
{
    public static byte[] Encode(IEnumerable<DumpDirectoryName> names)
    {
        var bytes = new List<byte>();
        foreach (var entry in names)
        {
            bytes.Add((byte)Letter(entry.Mark));
            bytes.AddRange(FileNameEncoding.GetBytes(entry.Name));
            bytes.Add(0);
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static char Letter(DumpDirectoryMark mark) => mark switch
    {
        DumpDirectoryMark.InArchive => 'Y',
        DumpDirectoryMark.NotInArchive => 'N',
        DumpDirectoryMark.Directory => 'D',
        DumpDirectoryMark.RenamedFrom => 'R',
        DumpDirectoryMark.RenamedTo => 'T',
        _ => 'X',
    };

    /// <summary>
    /// The names of a dumpdir, or null with <paramref name="malformed"/> saying why (and at which byte of
    /// the data): a letter GNU tar does not write, a name of a file that is empty, "." or "..", or holds
    /// a '/', an 'R' without its 'T', a missing final NUL.
    /// </summary>
    public static List<DumpDirectoryName>? Parse(ReadOnlySpan<byte> data, out string? malformed)
    {
        var names = new List<DumpDirectoryName>();
        malformed = null;
        int position = 0;
        bool expectTarget = false;
        bool temporary = false;
        while (true)
        {
            if (position >= data.Length)
            {
                malformed = "its list of names does not end with an empty name (a second NUL)";
                return null;
            }

            int end = data[position..].IndexOf((byte)0);
            if (end < 0)
            {
                malformed = $"the name at byte {position} of its data does not end with NUL";
                return null;
            }

            if (end == 0)
            {
                break;
            }

            char letter = (char)data[position];
            string name = FileNameEncoding.GetString(data.Slice(position + 1, end - 1));
            DumpDirectoryMark? mark = letter switch
            {
                'Y' => DumpDirectoryMark.InArchive,
                'N' => DumpDirectoryMark.NotInArchive,
                'D' => DumpDirectoryMark.Directory,
                'R' => DumpDirectoryMark.RenamedFrom,
                'T' => DumpDirectoryMark.RenamedTo,
                'X' => DumpDirectoryMark.TemporaryFolder,
                _ => null,
            };
            string? why = mark switch
            {
                null => $"the mark 0x{(byte)letter:X2} is none of Y, N, D, R, T, X",
                _ when expectTarget != (mark == DumpDirectoryMark.RenamedTo) => expectTarget ? "an 'R' is not followed by its 'T'" : "a 'T' does not follow an 'R'",
                DumpDirectoryMark.InArchive or DumpDirectoryMark.NotInArchive or DumpDirectoryMark.Directory when name is "" or "." or ".." || name.Contains('/') =>
                    $"'{name}' is not the name of an entry in a folder",
                DumpDirectoryMark.RenamedFrom or DumpDirectoryMark.RenamedTo when name.Length == 0 && !temporary => "a rename names no folder and no 'X' came before it",
                DumpDirectoryMark.TemporaryFolder when temporary => "'X' is given twice",
                _ => null,
            };
            if (why is not null)
            {
                malformed = $"{why} (byte {position} of its data)";
                return null;
            }

            temporary |= mark == DumpDirectoryMark.TemporaryFolder;
            expectTarget = mark == DumpDirectoryMark.RenamedFrom;
            names.Add(new DumpDirectoryName(mark!.Value, name));
            position += end + 1;
        }

        if (expectTarget)
        {
            malformed = "its last 'R' is not followed by its 'T'";
            return null;
        }

        if (position + 1 != data.Length)
        {
            malformed = $"data follows the end of its list of names (byte {position + 1})";
            return null;
        }

        return names;
    }
}
