using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Names are bytes on Linux: names and link targets that are not valid UTF-8 are archived and restored
/// byte for byte, judged by GNU tar in both directions and by rsync; listings show them as GNU tar does,
/// and JSON carries them as Python's "surrogateescape" reads them back.
/// </summary>
public sealed class RawNameArchiveTests : IDisposable
{
    private static readonly string LongFolder = string.Concat(Enumerable.Repeat("long", 30));
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("gnu")]
    [InlineData("pax")]
    public void Archives_GNU_tar_writes_of_raw_names_extract_byte_exact(string format)
    {
        string source = CreateRawTree(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("gnu.tar");
        ExternalTool.Run("tar", $"--format={format}", "-cf", archive, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");

        var result = Archives.Expand(archive, _temp.Combine("ours"), preserveOwner: true);

        Assert.True(result.Complete, string.Join("\n", result.Problems));
        TreeAssert.Identical(source, _temp.Combine("ours", "tree"));
        Assert.Equal(LsB(source), LsB(_temp.Combine("ours", "tree")));
        Assert.True(Archives.Test(archive, compare: _temp.Combine("src")).IsValid);
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    public void Archives_we_write_of_raw_names_are_whole_and_GNU_tar_extracts_them_byte_exact(ArchiveCompression compression)
    {
        string source = CreateRawTree(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("ours" + Archives.Suffix(compression));

        var created = Archives.Create(source, archive, compression);

        Assert.True(created.Complete, string.Join("\n", created.Problems));
        string gnu = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "-xpf", archive, "-C", gnu).EnsureSuccess("tar -x");
        ExternalTool.Run("tar", "-df", archive, "-C", _temp.Combine("src")).EnsureSuccess("tar -d");
        TreeAssert.Identical(source, Path.Combine(gnu, "tree"));
        Assert.Equal(LsB(source), LsB(Path.Combine(gnu, "tree")));
        var ours = Archives.Expand(archive, _temp.Combine("ours"), preserveOwner: true);
        Assert.True(ours.Complete, string.Join("\n", ours.Problems));
        TreeAssert.Identical(source, _temp.Combine("ours", "tree"));
    }

    [Fact]
    public void Listing_shows_raw_names_as_GNU_tar_does_and_the_items_keep_their_bytes()
    {
        string source = CreateRawTree(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("gnu.tar");
        ExternalTool.Run("tar", "--format=gnu", "-cf", archive, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");

        var gnuLines = ExternalTool.Run("tar", "-tvf", archive).EnsureSuccess("tar -tv").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var cliLines = CliProcess.Run("Get-TarArchiveItem", "--path", archive).EnsureSuccess("Get-TarArchiveItem").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var items = Archives.List(archive).Items;

        string json = _temp.WriteFile("listing.json", CliProcess.Run("Get-TarArchiveItem", "--path", archive, "--json").EnsureSuccess("Get-TarArchiveItem --json").StandardOutput);
        var jsonNames = ExternalTool.Run("python3", "-c", "import json, os, sys\nfor line in open(sys.argv[1]): print(os.fsencode(json.loads(line)['Name']).hex())", json)
            .EnsureSuccess("python3").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(gnuLines.Select(NameColumn), cliLines.Select(NameColumn));
        Assert.Equal(items.Select(i => Convert.ToHexString(FileNameEncoding.GetBytes(i.Name)).ToLowerInvariant()), jsonNames);
        Assert.Equal(items.Count, items.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(items, i => Assert.NotNull(UnixFileSystem.TryLstat(Path.Combine(_temp.Combine("src"), i.Name))));
        Assert.Equal(RawBytes(@"tar\xffget"), FileNameEncoding.GetBytes(items.Single(i => i.LinkTarget is not null && i.Type == Engine.Archiving.Tar.TarEntryType.SymbolicLink).LinkTarget!));
    }

    /// <summary>A tree whose names and link target hold bytes that are not UTF-8, with two names that differ only there.</summary>
    private static string CreateRawTree(string root)
    {
        Directory.CreateDirectory(root);
        WriteRaw(root, @"a\xff", "ff");
        WriteRaw(root, @"a\xfe", "fe");
        WriteRaw(root, @"caf\xe9.txt", "latin-1 name");
        WriteRaw(root, "back\\slash and\ttab", "odd but valid");
        WriteRaw(root, "ünïcødé", "valid UTF-8");
        string folder = Path.Combine(root, Raw(@"d\xff"));
        UnixFileSystem.CreateDirectory(folder, 0x1ED);
        WriteRaw(folder, @"inner\xfe", "inner");
        UnixFileSystem.CreateDirectory(Path.Combine(folder, Raw(@"sub\xfd")), 0x1C0);
        WriteRaw(Path.Combine(folder, Raw(@"sub\xfd")), "deep.txt", "deep");
        Directory.CreateDirectory(Path.Combine(root, LongFolder));
        WriteRaw(Path.Combine(root, LongFolder), string.Concat(Enumerable.Repeat(@"n\xff", 40)), "long raw name");
        UnixFileSystem.CreateSymbolicLink(Raw(@"tar\xffget"), Path.Combine(root, Raw(@"lnk\xff")));
        UnixFileSystem.CreateHardLink(Path.Combine(root, Raw(@"a\xff")), Path.Combine(root, Raw(@"hard\xfe")));
        return root;
    }

    private static void WriteRaw(string folder, string name, string content)
    {
        using var file = UnixFileSystem.CreateNewFile(Path.Combine(folder, Raw(name)), 0x1A4);
        RandomAccess.Write(file, System.Text.Encoding.UTF8.GetBytes(content), 0);
    }

    /// <summary>The file name whose bytes <paramref name="escaped"/> spells: "\xHH" is the byte HH, everything else UTF-8.</summary>
    private static string Raw(string escaped) => FileNameEncoding.GetString(RawBytes(escaped));

    private static byte[] RawBytes(string escaped)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == '\\' && i + 3 < escaped.Length && escaped[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(escaped.Substring(i + 2, 2), 16));
                i += 3;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(escaped[i].ToString()));
            }
        }

        return [.. bytes];
    }

    /// <summary>Every name below a folder as <c>ls -b</c> shows it (escapes for bytes that are not printable).</summary>
    private static string LsB(string folder) => ExternalTool.Run("ls", ["-bRl", "--time-style=+", "."], workingDirectory: folder).EnsureSuccess("ls -b").StandardOutput;

    /// <summary>The name (and link) column of a <c>tar -tv</c> line.</summary>
    private static string NameColumn(string line) => Regex.Match(line, @"^\S+ \S+ +\d+ \d{4}-\d\d-\d\d \d\d:\d\d (.*)$").Groups[1].Value;
}
