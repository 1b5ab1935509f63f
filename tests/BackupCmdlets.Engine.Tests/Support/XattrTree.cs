namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A tree with extended attributes and POSIX ACLs, made and judged by getfattr, setfattr and setfacl
/// (the attr and acl packages), tools we did not write.
/// </summary>
internal static class XattrTree
{
    /// <summary>Entries (relative paths) of the tree <see cref="Create"/> makes that carry attributes.</summary>
    public static readonly string[] Entries = ["tree", "tree/notes.txt", "tree/shared", "tree/shared/data.bin", "tree/plain.txt", "tree/pipe"];

    /// <summary>Makes <paramref name="root"/>/tree: user attributes (one binary, one with a newline), access and default ACLs on files, a folder and a FIFO.</summary>
    public static string Create(string root)
    {
        string tree = Path.Combine(root, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "shared"));
        File.WriteAllText(Path.Combine(tree, "notes.txt"), "notes");
        File.WriteAllBytes(Path.Combine(tree, "shared", "data.bin"), new byte[5000]);
        File.WriteAllText(Path.Combine(tree, "plain.txt"), "no attributes");
        Run("mkfifo", Path.Combine(tree, "pipe"));
        Run("setfattr", "-n", "user.comment", "-v", "two\nlines", Path.Combine(tree, "notes.txt"));
        Run("setfattr", "-n", "user.binary", "-v", "0x00ff10fe80", Path.Combine(tree, "notes.txt"));
        Run("setfattr", "-n", "user.tag", "-v", "folder", Path.Combine(tree, "shared"));
        Run("setfacl", "-m", "u:nobody:r--,g:daemon:rw-", Path.Combine(tree, "notes.txt"));
        Run("setfacl", "-m", "u:nobody:rwx", Path.Combine(tree, "shared"));
        Run("setfacl", "-d", "-m", "u:nobody:r-x,g:daemon:r--", Path.Combine(tree, "shared"));
        Run("setfacl", "-m", "u:65000:rw-", Path.Combine(tree, "shared", "data.bin"));
        Run("setfacl", "-m", "g:daemon:r--", Path.Combine(tree, "pipe"));
        return tree;
    }

    /// <summary>Every attribute of an entry, ACLs included, as getfattr dumps them (hex values), without the file name line.</summary>
    public static string Dump(string path) =>
        string.Join('\n', Run("getfattr", "--absolute-names", "-h", "-d", "-m", "-", "-e", "hex", path).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("# file:", StringComparison.Ordinal)));

    /// <summary>Asserts that every entry of <see cref="Entries"/> has the same attributes below <paramref name="copy"/> as below <paramref name="original"/>.</summary>
    public static void AssertSame(string original, string copy)
    {
        foreach (string entry in Entries)
        {
            string expected = Dump(Path.Combine(original, entry));
            if (entry is not ("tree" or "tree/plain.txt"))
            {
                Assert.NotEqual("", expected);
            }

            Assert.True(expected == Dump(Path.Combine(copy, entry)), $"{entry}: the attributes differ.\nexpected:\n{expected}\nactual:\n{Dump(Path.Combine(copy, entry))}");
        }
    }

    private static ExternalTool.Result Run(string tool, params string[] arguments) => ExternalTool.Run(tool, arguments).EnsureSuccess(tool);
}
