using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Incremental;

/// <summary>
/// GNU tar's snapshot file, format 2: the line "GNU tar-VERSION-2", the time the run that wrote it
/// started (seconds NUL nanoseconds NUL), then per folder the fields nfs, mtime seconds, mtime
/// nanoseconds, device, inode and name, each ending in NUL, its dumpdir, and a NUL ending the record.
/// </summary>
internal sealed record SnapshotFile(UnixTime Started, IReadOnlyList<SnapshotFolder> Folders)
{
    private const string Header = "GNU tar-1.34-2\n";

    public byte[] Encode()
    {
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(Header));
        void Field(string text)
        {
            bytes.AddRange(FileNameEncoding.GetBytes(text));
            bytes.Add(0);
        }

        Field(Started.Seconds.ToString(CultureInfo.InvariantCulture));
        Field(Started.Nanoseconds.ToString(CultureInfo.InvariantCulture));
        foreach (var folder in Folders)
        {
            Field(folder.Nfs ? "1" : "0");
            Field(folder.ModifiedTime.Seconds.ToString(CultureInfo.InvariantCulture));
            Field(folder.ModifiedTime.Nanoseconds.ToString(CultureInfo.InvariantCulture));
            Field(folder.Device.ToString(CultureInfo.InvariantCulture));
            Field(folder.Inode.ToString(CultureInfo.InvariantCulture));
            Field(folder.Name);
            bytes.AddRange(DumpDirectoryFormat.Encode(folder.Contents));
            bytes.Add(0);
        }

        return [.. bytes];
    }

    /// <summary>The snapshot in <paramref name="data"/>; null when it is empty (a first run, as GNU tar takes an empty file).</summary>
    public static SnapshotFile? Parse(byte[] data, string path)
    {
        if (data.Length == 0)
        {
            return null;
        }

        int newline = Array.IndexOf(data, (byte)'\n');
        string header = newline < 0 ? "" : Encoding.ASCII.GetString(data, 0, newline);
        if (!header.StartsWith("GNU tar-", StringComparison.Ordinal) || !header.EndsWith("-2", StringComparison.Ordinal))
        {
            throw Corrupt(path, 0, $"it does not begin with the line 'GNU tar-VERSION-2' of a format 2 snapshot file{(header.StartsWith("GNU tar-", StringComparison.Ordinal) ? $" ('{header}' is another format: let GNU tar 1.20 or later rewrite it first)" : "")}");
        }

        var reader = new FieldReader(data, newline + 1, path);
        var started = new UnixTime(reader.Integer("start seconds", UnixTime.MinSeconds, UnixTime.MaxSeconds), (int)reader.Integer("start nanoseconds", 0, 999_999_999));
        var folders = new List<SnapshotFolder>();
        while (!reader.AtEnd)
        {
            long recordOffset = reader.Position;
            bool nfs = reader.Integer("nfs flag", 0, 1) == 1;
            var modified = new UnixTime(reader.Integer("mtime seconds", UnixTime.MinSeconds, UnixTime.MaxSeconds), (int)reader.Integer("mtime nanoseconds", 0, 999_999_999));
            ulong device = reader.Unsigned("device");
            ulong inode = reader.Unsigned("inode");
            string name = reader.Text("folder name");
            if (name.Length == 0)
            {
                throw Corrupt(path, recordOffset, "a folder record has an empty name");
            }

            int contentsStart = reader.Position;
            int contentsEnd = reader.SkipToEmptyField("dumpdir of '" + name + "'");
            var contents = DumpDirectoryFormat.Parse(data.AsSpan(contentsStart, contentsEnd - contentsStart), out string? malformed)
                ?? throw Corrupt(path, contentsStart, $"the dumpdir of '{name}' is malformed: {malformed}");
            reader.ExpectTerminator(name);
            folders.Add(new SnapshotFolder(nfs, modified, device, inode, name, contents));
        }

        return new SnapshotFile(started, folders);
    }

    private static BackupException Corrupt(string path, long offset, string why) =>
        new(Errors.SnapshotFileCorrupt, $"The snapshot file '{path}' is damaged at byte {offset}: {why}. Nothing was written; give a new snapshot file for a full dump.", path, offset: offset);

    /// <summary>Reads the NUL-terminated fields of a snapshot file, failing with the offset of the field at fault.</summary>
    private sealed class FieldReader(byte[] data, int position, string path)
    {
        public int Position { get; private set; } = position;

        public bool AtEnd => Position >= data.Length;

        public long Integer(string what, long min, long max)
        {
            int start = Position;
            string text = Text(what);
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
                ? value
                : throw Corrupt(path, start, $"the {what} '{text}' is not a number from {min} to {max}");
        }

        public ulong Unsigned(string what)
        {
            int start = Position;
            string text = Text(what);
            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
                ? value
                : throw Corrupt(path, start, $"the {what} '{text}' is not a number");
        }

        public string Text(string what)
        {
            int end = Array.IndexOf(data, (byte)0, Position);
            if (end < 0)
            {
                throw Corrupt(path, Position, $"the file ends inside the {what}");
            }

            string text = FileNameEncoding.GetString(data.AsSpan(Position, end - Position));
            Position = end + 1;
            return text;
        }

        /// <summary>Moves past the strings of a dumpdir up to and including its empty final one; answers where that one ends.</summary>
        public int SkipToEmptyField(string what)
        {
            while (true)
            {
                int start = Position;
                int end = Array.IndexOf(data, (byte)0, Position);
                if (end < 0)
                {
                    throw Corrupt(path, Position, $"the file ends inside the {what}");
                }

                Position = end + 1;
                if (end == start)
                {
                    return Position;
                }
            }
        }

        public void ExpectTerminator(string name)
        {
            if (AtEnd || data[Position] != 0)
            {
                throw Corrupt(path, Position, $"the record of '{name}' does not end with its NUL terminator");
            }

            Position++;
        }
    }
}
