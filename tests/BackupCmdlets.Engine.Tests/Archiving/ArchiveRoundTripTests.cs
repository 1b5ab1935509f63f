using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Archives we write, judged by GNU tar, gzip, bzip2, sha256sum and rsync; and our own extraction of them.</summary>
public sealed class ArchiveRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.BZip2)]
    public void GNU_tar_extracts_an_identical_tree(ArchiveCompression compression)
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out" + Archives.Suffix(compression));
        var result = Archives.Create(source, archive, compression, checksum: true);

        Assert.True(result.Complete, string.Join("\n", result.Problems));
        Assert.Equal(compression, result.Compression);
        Assert.Equal(new FileInfo(archive).Length, result.BytesOut);
        string extracted = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "-xpf", archive, "-C", extracted).EnsureSuccess("tar -x");
        TreeAssert.Identical(source, Path.Combine(extracted, "tree"));
        Assert.Equal(Archives.Times(source), Archives.Times(Path.Combine(extracted, "tree")));
        ExternalTool.Run("tar", "-df", archive, "-C", _temp.Combine("src")).EnsureSuccess("tar -d");
        ExternalTool.Run("sha256sum", ["-c", Path.GetFileName(archive) + ".sha256"], workingDirectory: _temp.Path).EnsureSuccess("sha256sum -c");
        if (compression == ArchiveCompression.GZip)
        {
            ExternalTool.Run("gzip", "-t", archive).EnsureSuccess("gzip -t");
        }
        else if (compression == ArchiveCompression.BZip2)
        {
            ExternalTool.Run("bzip2", "-t", archive).EnsureSuccess("bzip2 -t");
        }
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.BZip2)]
    public void We_extract_an_identical_tree(ArchiveCompression compression)
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out" + Archives.Suffix(compression));
        Archives.Create(source, archive, compression);

        var expanded = Archives.Expand(archive, _temp.Combine("ours"), preserveOwner: true);

        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        TreeAssert.Identical(source, _temp.Combine("ours", "tree"));
        Assert.Equal(Archives.Times(source), Archives.Times(_temp.Combine("ours", "tree")));
        Assert.Empty(Archives.Temporaries(_temp.Combine("ours")));
        Assert.True(Archives.Test(archive, compare: _temp.Combine("src")).IsValid);
    }

    [Fact]
    public void GNU_tar_lists_the_same_entries_modes_owners_times_and_links()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out.tar.gz");
        Archives.Create(source, archive, ArchiveCompression.GZip);

        var gnu = ExternalTool.Run("tar", "--numeric-owner", "--full-time", "-tvzf", archive).EnsureSuccess("tar -tv").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ours = Archives.List(archive).Items;

        Assert.Equal(ours.Count, gnu.Length);
        for (int i = 0; i < ours.Count; i++)
        {
            var item = ours[i];
            string line = gnu[i];
            Assert.StartsWith(item.Permissions, line);
            Assert.Contains($" {item.UserId}/{item.GroupId} ", line);
            Assert.Contains(item.Modified.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), line);
            string expectedTail = item.Type switch
            {
                Engine.Archiving.Tar.TarEntryType.SymbolicLink => $"{item.Name} -> {item.LinkTarget}",
                Engine.Archiving.Tar.TarEntryType.HardLink => $"{item.Name} link to {item.LinkTarget}",
                _ => item.Name,
            };
            Assert.EndsWith(expectedTail, line);
        }

        Assert.Contains(ours, i => i.Name == "tree/" + SampleTree.LongName);
        Assert.Contains(ours, i => i.Name == "tree/docs/ünïcødé-名前.txt");
        Assert.Contains(ours, i => i.Type == Engine.Archiving.Tar.TarEntryType.HardLink && i.Size == 0);
        Assert.Contains(ours, i => i.Name == "tree/empty-folder/");
    }

    [Fact]
    public async Task The_managed_bzip2_fallback_writes_what_bzip2_and_GNU_tar_read()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("managed.tar.bz2");

        await ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive) { Compression = ArchiveCompression.BZip2, ManagedBzip2 = true }, null, CancellationToken.None);

        ExternalTool.Run("bzip2", "-t", archive).EnsureSuccess("bzip2 -t");
        string extracted = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "-xpf", archive, "-C", extracted).EnsureSuccess("tar -x");
        TreeAssert.Identical(source, Path.Combine(extracted, "tree"));
    }

    [Fact]
    public void Bsdtar_reads_our_archives()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out.tar.bz2");
        Archives.Create(source, archive, ArchiveCompression.BZip2);
        string extracted = _temp.CreateDirectory("bsd");

        ExternalTool.Run("bsdtar", "-xpf", archive, "-C", extracted).EnsureSuccess("bsdtar -x");

        TreeAssert.Identical(source, Path.Combine(extracted, "tree"));
    }

    [Fact]
    public void Many_small_files_are_no_more_than_one_percent_larger_than_GNU_pax()
    {
        string source = _temp.CreateDirectory("small");
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] content = new byte[random.Next(1024, 8192)];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(source, $"d{i % 20}", $"file-{i}.bin").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)), content);
        }

        string ours = _temp.Combine("ours.tar");
        string theirs = _temp.Combine("gnu-pax.tar");
        Archives.Create(source, ours);
        ExternalTool.Run("tar", "--format=pax", "-cf", theirs, "-C", _temp.Path, "small").EnsureSuccess("tar --format=pax -c");

        long oursSize = new FileInfo(ours).Length;
        long theirsSize = new FileInfo(theirs).Length;
        Assert.True(oursSize <= theirsSize * 1.01, $"ours {oursSize} bytes, GNU pax {theirsSize} bytes");
    }

    [Fact]
    public void Gzip_output_is_independent_members_within_one_percent_of_gzip_6()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        byte[] text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400_000).Select(i => $"row {i} value {i * 7 % 1000} status ok\n")));
        File.WriteAllBytes(Path.Combine(source, "big.txt"), text);
        string archive = _temp.Combine("out.tar.gz");
        Archives.Create(source, archive, ArchiveCompression.GZip);
        ExternalTool.Run("tar", "-cf", _temp.Combine("plain.tar"), "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        ExternalTool.Run("gzip", "-6", "-k", _temp.Combine("plain.tar")).EnsureSuccess("gzip -6");

        long ours = new FileInfo(archive).Length;
        long gzip6 = new FileInfo(_temp.Combine("plain.tar.gz")).Length;
        Assert.True(ours <= gzip6 * 1.01, $"ours {ours} bytes, gzip -6 {gzip6} bytes");
    }

    [Fact]
    public void The_archive_never_includes_itself()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = Path.Combine(source, "self.tar.gz");

        Archives.Create(source, archive, ArchiveCompression.GZip);
        var second = Archives.Create(source, archive, ArchiveCompression.GZip, force: true);

        Assert.True(second.Complete);
        Assert.DoesNotContain(Archives.List(archive).Items, i => i.Name.Contains("self.tar.gz", StringComparison.Ordinal) || i.Name.Contains(".bkc-tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Excluded_names_and_their_folders_are_left_out()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("out.tar");
        var request = new CreateArchiveRequest([source], archive) { Exclude = ["*.bin", "private/", "tree/docs/notes.md"] };

        await ArchiveWriter.CreateAsync(request, null, CancellationToken.None);

        var names = Archives.List(archive).Items.Select(i => i.Name).ToList();
        Assert.DoesNotContain("tree/data/random.bin", names);
        Assert.DoesNotContain(names, n => n.StartsWith("tree/private", StringComparison.Ordinal));
        Assert.DoesNotContain("tree/docs/notes.md", names);
        Assert.Contains("tree/data/empty.dat", names);
        Assert.Contains("tree/docs/ünïcødé-名前.txt", names);
    }

    [Fact]
    public void Include_extracts_only_matching_entries_with_their_folders()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out.tar");
        Archives.Create(source, archive);

        var result = Archives.Expand(archive, _temp.Combine("only-md"), include: "*.md");

        Assert.Equal(1, result.Files);
        Assert.True(File.Exists(_temp.Combine("only-md", "tree", "docs", "notes.md")));
        Assert.False(File.Exists(_temp.Combine("only-md", "tree", "readme.txt")));
    }
}

internal static class ObjectExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
