namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A random tree of folders, files and symlinks, and random rounds of changes to it, from a seeded
/// <see cref="Random"/> so a failure can be replayed: new, changed, touched, renamed and deleted files
/// and folders, a file replaced by a folder and a folder by a file.
/// </summary>
public sealed class RandomTreeChanges(string root, int seed)
{
    private readonly Random _random = new(seed);
    private int _counter;

    public string Root { get; } = root;

    /// <summary>Writes the first tree: a few folders deep, a few dozen files.</summary>
    public void CreateTree()
    {
        Directory.CreateDirectory(Root);
        for (int i = 0; i < 6; i++)
        {
            NewFolder(depth: 2);
        }

        for (int i = 0; i < 12; i++)
        {
            NewFile(RandomFolder());
        }

        File.CreateSymbolicLink(Path.Combine(Root, "link-" + NextName()), "some/target");
    }

    /// <summary>One round of <paramref name="count"/> random changes.</summary>
    public void Change(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var files = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Where(f => !IsSymlink(f)).ToList();
            var folders = Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories).ToList();
            switch (_random.Next(11))
            {
                case 0:
                    NewFile(RandomFolder());
                    break;
                case 1 when files.Count > 0:
                    File.AppendAllText(Pick(files), $"changed {NextName()}\n");
                    break;
                case 2 when files.Count > 0:
                    // Same size, time set back: only the change time tells.
                    string rewritten = Pick(files);
                    var time = File.GetLastWriteTimeUtc(rewritten);
                    byte[] content = File.ReadAllBytes(rewritten);
                    if (content.Length > 0)
                    {
                        content[0] ^= 0x20;
                    }

                    File.WriteAllBytes(rewritten, content);
                    File.SetLastWriteTimeUtc(rewritten, time);
                    break;
                case 3 when files.Count > 0:
                    string moved = Pick(files);
                    File.Move(moved, Path.Combine(RandomFolder(), "moved-" + NextName()));
                    break;
                case 4 when files.Count > 0:
                    File.Delete(Pick(files));
                    break;
                case 5:
                    NewFolder(depth: 1);
                    break;
                case 6 when folders.Count > 0:
                    string folder = Pick(folders);
                    string renamed = Path.Combine(Path.GetDirectoryName(folder)!, "renamed-" + NextName());
                    Directory.Move(folder, renamed);
                    break;
                case 7 when folders.Count > 0:
                    Directory.Delete(Pick(folders), recursive: true);
                    break;
                case 8 when files.Count > 0:
                    string file = Pick(files);
                    File.Delete(file);
                    Directory.CreateDirectory(file);
                    NewFile(file);
                    break;
                case 9 when folders.Count > 0:
                    string replaced = Pick(folders);
                    Directory.Delete(replaced, recursive: true);
                    File.WriteAllText(replaced, $"was a folder {NextName()}\n");
                    break;
                case 10 when files.Count > 0:
                    Engine.IO.UnixFileSystem.SetPermissions(Pick(files), 0x1A0);
                    break;
            }
        }
    }

    private void NewFolder(int depth)
    {
        string folder = Path.Combine(RandomFolder(), "dir-" + NextName());
        Directory.CreateDirectory(folder);
        for (int i = _random.Next(3); i >= 0; i--)
        {
            NewFile(folder);
        }

        if (depth > 1)
        {
            Directory.CreateDirectory(Path.Combine(folder, "sub-" + NextName()));
        }
    }

    private void NewFile(string folder)
    {
        byte[] content = new byte[_random.Next(3) == 0 ? _random.Next(0, 20_000) : _random.Next(0, 600)];
        _random.NextBytes(content);
        File.WriteAllBytes(Path.Combine(folder, "file-" + NextName()), content);
    }

    private string RandomFolder()
    {
        var folders = Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories).Prepend(Root).ToList();
        return Pick(folders);
    }

    private T Pick<T>(List<T> items) => items[_random.Next(items.Count)];

    private string NextName() => (++_counter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;
}
