using System.Text;

namespace BackupCmdlets.Cli.Commands;

/// <summary>The demo's built-in sample tree: text and binary files, nested and empty folders, a symlink, a hard link, a long non-ASCII name.</summary>
internal static class DemoData
{
    public static string Create(string root)
    {
        var random = new Random(2026);
        Directory.CreateDirectory(root);
        for (int i = 0; i < 200; i++)
        {
            string folder = Path.Combine(root, $"project-{i % 8}", i % 3 == 0 ? "logs" : "src");
            Directory.CreateDirectory(folder);
            var text = new StringBuilder();
            for (int line = 0; line < random.Next(20, 400); line++)
            {
                text.Append($"{DateTime.UnixEpoch.AddSeconds(1_700_000_000 + i * 100 + line):O} INFO request {random.Next(10000)} served in {random.Next(1, 900)} ms\n");
            }

            File.WriteAllText(Path.Combine(folder, $"file-{i:D3}.log"), text.ToString());
        }

        byte[] binary = new byte[2 << 20];
        random.NextBytes(binary);
        File.WriteAllBytes(Path.Combine(root, "random.bin"), binary);
        Directory.CreateDirectory(Path.Combine(root, "empty-folder"));
        string longFolder = Path.Combine(root, "a-rather-long-folder-name-to-go-past-the-hundred-byte-limit-of-ustar-names");
        Directory.CreateDirectory(longFolder);
        File.WriteAllText(Path.Combine(longFolder, "ünïcødé-file-with-a-name-that-is-long-enough-too.txt"), "non-ASCII and long\n");
        File.CreateSymbolicLink(Path.Combine(root, "latest.log"), "project-0/logs/file-000.log");
        if (OperatingSystem.IsLinux())
        {
            HardLink.Create(Path.Combine(root, "random.bin"), Path.Combine(root, "random-hardlink.bin"));
        }

        return root;
    }

    public static string Describe(string root)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        int folders = Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Count();
        return $"{files.Count} files ({files.Where(f => f.LinkTarget is null).Sum(f => f.Length):N0} bytes), {folders} folders, with a symlink, a hard link, an empty folder and a long non-ASCII name";
    }
}
