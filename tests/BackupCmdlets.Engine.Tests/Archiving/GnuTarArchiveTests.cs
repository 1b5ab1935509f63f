using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Archives GNU tar writes (gnu and pax formats, plain, gzip, bzip2, xz, zstd) are listed, tested and extracted correctly by us.</summary>
public sealed class GnuTarArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("gnu", "")]
    [InlineData("gnu", "-z")]
    [InlineData("gnu", "-j")]
    [InlineData("gnu", "-J")]
    [InlineData("gnu", "--zstd")]
    [InlineData("pax", "")]
    [InlineData("pax", "-z")]
    [InlineData("pax", "-j")]
    [InlineData("pax", "-J")]
    [InlineData("pax", "--zstd")]
    [InlineData("ustar", "")]
    public void We_read_what_GNU_tar_writes(string format, string compression)
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        if (format == "ustar")
        {
            // ustar cannot hold the 100+ byte last component; GNU tar would refuse the whole tree.
            Directory.Delete(_temp.Combine("src", "tree", SampleTree.LongName.Split('/')[0]), recursive: true);
        }

        string archive = _temp.Combine($"gnu-{format}.tar");
        var arguments = new List<string> { $"--format={format}", "-cf", archive, "-C", _temp.Combine("src"), "tree" };
        if (compression.Length > 0)
        {
            arguments.Insert(0, compression);
        }

        ExternalTool.Run("tar", arguments).EnsureSuccess("tar -c");
        var gnuNames = ExternalTool.Run("tar", "-tf", archive).EnsureSuccess("tar -t").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var listing = Archives.List(archive);
        var test = Archives.Test(archive, compare: _temp.Combine("src"));
        var expanded = Archives.Expand(archive, _temp.Combine("ours"), preserveOwner: true);

        Assert.Equal(compression switch { "-z" => ArchiveCompression.GZip, "-j" => ArchiveCompression.BZip2, "-J" => ArchiveCompression.Xz, "--zstd" => ArchiveCompression.Zstd, _ => ArchiveCompression.None }, listing.Compression);
        Assert.Equal(gnuNames, listing.Items.Select(i => i.Name));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.Equal(gnuNames.Length, test.EntriesRead);
        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        TreeAssert.Identical(source, _temp.Combine("ours", "tree"));
        if (format == "pax")
        {
            Assert.Equal(Archives.Times(source), Archives.Times(_temp.Combine("ours", "tree")));
        }
    }

    [Fact]
    public void Concatenated_gzip_and_bzip2_streams_are_read_to_the_end()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        byte[] tar = File.ReadAllBytes(plain);
        int half = tar.Length / 2;
        File.WriteAllBytes(_temp.Combine("a"), tar[..half]);
        File.WriteAllBytes(_temp.Combine("b"), tar[half..]);
        foreach (var (tool, suffix) in new[] { ("gzip", ".gz"), ("bzip2", ".bz2") })
        {
            ExternalTool.Run(tool, "-kf", _temp.Combine("a")).EnsureSuccess(tool);
            ExternalTool.Run(tool, "-kf", _temp.Combine("b")).EnsureSuccess(tool);
            string joined = _temp.Combine("joined.tar" + suffix);
            File.WriteAllBytes(joined, [.. File.ReadAllBytes(_temp.Combine("a" + suffix)), .. File.ReadAllBytes(_temp.Combine("b" + suffix))]);

            var test = Archives.Test(joined, compare: _temp.Combine("src"));

            Assert.True(test.IsValid, string.Join("\n", test.Problems));
            Assert.Equal(Archives.List(plain).Items.Count, test.EntriesRead);
        }
    }
}
