using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A folder that exercises everything tar and rsync -a must keep: odd modes, other owners (when
/// root), nanosecond times, symlinks (also dangling), hard links, empty folders, names over 100
/// bytes, non-ASCII names, a FIFO, and a mix of text and random content.
/// </summary>
public static class SampleTree
{
    public static readonly string LongName = string.Join('/', Enumerable.Range(0, 6).Select(i => new string((char)('a' + i), 40))) + "/" + new string('f', 120) + ".txt";

    public static string Create(string root, int seed = 1)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(root);
        Write(root, "readme.txt", "hello tar\n");
        Write(root, "docs/ünïcødé-名前.txt", "non-ascii name\n");
        Write(root, "docs/notes.md", string.Concat(Enumerable.Repeat("line of compressible text\n", 400)));
        byte[] noise = new byte[300_000];
        random.NextBytes(noise);
        Write(root, "data/random.bin", noise);
        Write(root, "data/empty.dat", []);
        Write(root, LongName, "deep and long\n");
        Directory.CreateDirectory(Path.Combine(root, "empty-folder"));
        Write(root, "private/secret.txt", "mode 600\n");
        Write(root, "bin/tool.sh", "#!/bin/sh\necho hi\n");
        UnixFileSystem.SetPermissions(Path.Combine(root, "private/secret.txt"), 0x180);
        UnixFileSystem.SetPermissions(Path.Combine(root, "private"), 0x1C0);
        UnixFileSystem.SetPermissions(Path.Combine(root, "bin/tool.sh"), 0x1ED);
        File.CreateSymbolicLink(Path.Combine(root, "link-to-readme"), "readme.txt");
        File.CreateSymbolicLink(Path.Combine(root, "dangling-link"), "does/not/exist");
        File.CreateSymbolicLink(Path.Combine(root, "docs/up-link"), "../data");
        UnixFileSystem.CreateHardLink(Path.Combine(root, "readme.txt"), Path.Combine(root, "docs/readme-hardlink.txt"));
        UnixFileSystem.CreateSpecialFile(Path.Combine(root, "data/pipe"), FileKind.Fifo, 0x1A4, 0, 0);
        if (UnixFileSystem.IsRoot)
        {
            UnixFileSystem.SetOwner(Path.Combine(root, "private/secret.txt"), 1234, 5678);
            UnixFileSystem.SetOwner(Path.Combine(root, "bin"), 65534, 65534);
        }

        // Times last, folders deepest first, with nanoseconds.
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).OrderByDescending(p => p.Length))
        {
            UnixFileSystem.SetModifiedTime(path, new UnixTime(1_600_000_000 + random.Next(0, 10_000_000), random.Next(1, 999_999_999)));
        }

        UnixFileSystem.SetModifiedTime(Path.Combine(root, "readme.txt"), new UnixTime(1_500_000_000, 0));
        return root;
    }

    private static void Write(string root, string relative, string text) => Write(root, relative, System.Text.Encoding.UTF8.GetBytes(text));

    private static void Write(string root, string relative, byte[] content)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
