using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// GNU sparse files (<c>tar -S</c>, the gnu format and pax sparse formats 0.0, 0.1 and 1.0) are listed
/// with their real size, tested, compared and extracted with their holes as holes, judged against GNU
/// tar's own extraction of the same archive.
/// </summary>
public sealed class SparseArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("gnu", null, "")]
    [InlineData("gnu", null, "-z")]
    [InlineData("pax", "0.0", "")]
    [InlineData("pax", "0.1", "")]
    [InlineData("pax", "1.0", "")]
    [InlineData("pax", "1.0", "-j")]
    public void Sparse_files_are_listed_tested_and_extracted_with_their_holes(string format, string? version, string compression)
    {
        string source = CreateSparseTree(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("sparse.tar");
        var arguments = new List<string> { "-S", $"--format={format}", "-cf", archive, "-C", _temp.Combine("src"), "tree" };
        if (version is not null)
        {
            arguments.Insert(0, $"--sparse-version={version}");
        }

        if (compression.Length > 0)
        {
            arguments.Insert(0, compression);
        }

        ExternalTool.Run("tar", arguments).EnsureSuccess("tar -S -c");
        string gnu = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "-xpf", archive, "-C", gnu).EnsureSuccess("tar -x");
        var gnuNames = ExternalTool.Run("tar", "-tf", archive).EnsureSuccess("tar -t").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var listing = Archives.List(archive);
        var test = Archives.Test(archive);
        var compare = Archives.Test(archive, compare: _temp.Combine("src"));
        var expanded = Archives.Expand(archive, _temp.Combine("ours"), preserveOwner: true);

        Assert.Equal(gnuNames, listing.Items.Select(i => i.Name));
        foreach (var item in listing.Items.Where(i => i.Type == Engine.Archiving.Tar.TarEntryType.File))
        {
            Assert.Equal(new FileInfo(Path.Combine(_temp.Combine("src"), item.Name)).Length, item.Size);
        }

        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.True(compare.IsValid, string.Join("\n", compare.Problems));
        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        TreeAssert.Identical(Path.Combine(gnu, "tree"), _temp.Combine("ours", "tree"));
        TreeAssert.Identical(source, _temp.Combine("ours", "tree"));
        foreach (string name in new[] { "sparse.bin", "many-holes.bin", "hole-first.bin", "all-hole.bin" })
        {
            long ours = AllocatedBytes(_temp.Combine("ours", "tree", name));
            long theirs = AllocatedBytes(Path.Combine(gnu, "tree", name));
            Assert.True(ours <= theirs, $"{name}: {ours} bytes allocated by us, {theirs} by GNU tar");
            Assert.True(ours < new FileInfo(Path.Combine(source, name)).Length / 4, $"{name}: {ours} bytes allocated, the holes were filled");
        }
    }

    [Fact]
    public void A_damaged_sparse_map_is_reported_and_the_rest_is_extracted()
    {
        string source = CreateSparseTree(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(source, "zz-after.txt"), "after");
        string archive = _temp.Combine("sparse.tar");
        ExternalTool.Run("tar", "-S", "--format=pax", "--sparse-version=1.0", "-cf", archive, "-C", _temp.Combine("src"), "tree", "--sort=name").EnsureSuccess("tar -S -c");
        byte[] bytes = File.ReadAllBytes(archive);
        var damaged = Archives.List(archive).Items.Single(i => i.Name == "tree/sparse.bin");
        int map = IndexOf(bytes, "\n1048576\n"u8, (int)damaged.Offset);
        bytes[map + 1] = (byte)'9';
        File.WriteAllBytes(archive, bytes);

        var result = Archives.Expand(archive, _temp.Combine("ours"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.SparseMapInvalid.Id, problem.ErrorId);
        Assert.Equal("tree/sparse.bin", problem.Path);
        Assert.False(File.Exists(_temp.Combine("ours", "tree", "sparse.bin")));
        Assert.Equal("after", File.ReadAllText(_temp.Combine("ours", "tree", "zz-after.txt")));
        Assert.False(Archives.Test(archive).IsValid);
    }

    private static string CreateSparseTree(string root)
    {
        Directory.CreateDirectory(root);
        WriteSparse(Path.Combine(root, "sparse.bin"), 10 << 20, [(1 << 20, "hello"u8.ToArray()), (5_000_000, "tail"u8.ToArray())]);
        WriteSparse(Path.Combine(root, "many-holes.bin"), 40 * 69_632, Enumerable.Range(0, 40).Select(i => ((long)i * 69_632 + 65_536, Enumerable.Repeat((byte)('a' + i % 26), 4096).ToArray())).ToArray());
        WriteSparse(Path.Combine(root, "hole-first.bin"), (2 << 20) + 4096, [(2 << 20, Enumerable.Repeat((byte)'z', 4096).ToArray())]);
        WriteSparse(Path.Combine(root, "all-hole.bin"), 3 << 20, []);
        File.WriteAllText(Path.Combine(root, "dense.txt"), "an ordinary file\n");
        return root;
    }

    private static void WriteSparse(string path, long length, (long Offset, byte[] Data)[] regions)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        foreach (var (offset, data) in regions)
        {
            file.Position = offset;
            file.Write(data);
        }

        file.SetLength(length);
    }

    private static long AllocatedBytes(string path) =>
        long.Parse(ExternalTool.Run("stat", "-c", "%b", path).EnsureSuccess("stat").StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int from) => from + haystack.AsSpan(from).IndexOf(needle);
}
