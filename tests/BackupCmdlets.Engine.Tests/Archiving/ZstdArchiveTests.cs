using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Zstd archives of other writers are read: single frames of unknown size (`tar --zstd`), frames the
/// zstd tool joins, skippable frames, with and without content checksums, by libzstd and by the
/// ZstdSharp fallback. The judge is the zstd tool: whatever `zstd -t` rejects, Test-Archive rejects as
/// ArchiveCorrupt or ArchiveTruncated, and whatever it accepts of checksummed data, Test-Archive accepts.
/// </summary>
public sealed class ZstdArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Libzstd_is_found_on_this_system()
    {
        Assert.True(ZstdNative.Available, "libzstd.so.1 was not loaded; the native path would go untested");
        Assert.True(ZstdCodec.Native);
        using (ZstdCodec.UseManaged())
        {
            Assert.False(ZstdCodec.Native);
        }

        Assert.True(ZstdCodec.Native);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_archive_of_joined_frames_with_and_without_checksums_is_listed_tested_and_extracted(bool managed)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        var (archive, _) = JoinedFrames(["-q", "--no-check", "-q", "-19"]);

        var listing = Archives.List(archive);
        var test = Archives.Test(archive, compare: _temp.Combine("src"));
        var expanded = Archives.Expand(archive, _temp.Combine("out"), preserveOwner: true);

        Assert.Equal(ArchiveCompression.Zstd, listing.Compression);
        Assert.Equal(Archives.List(_temp.Combine("plain.tar")).Items.Select(i => i.Name), listing.Items.Select(i => i.Name));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        TreeAssert.Identical(_temp.Combine("src", "tree"), _temp.Combine("out", "tree"));
    }

    [Theory]
    [InlineData("checked frames", false, false)]
    [InlineData("checked frames", true, false)]
    [InlineData("frames without checksums", false, true)]
    public void Every_flipped_bit_zstd_finds_fails_Test_Archive(string what, bool managed, bool noCheck)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        var (archive, _) = JoinedFrames(noCheck ? ["--no-check", "--no-check", "--no-check"] : ["-q", "-q", "-q"]);
        byte[] whole = File.ReadAllBytes(archive);
        var random = new Random(whole.Length);
        var positions = Enumerable.Range(0, 64)
            .Concat(Enumerable.Range(whole.Length - 96, 96))
            .Concat(Enumerable.Range(0, 160).Select(_ => random.Next(whole.Length)))
            .Where(p => p >= 0 && p < whole.Length)
            .Distinct();
        string damaged = _temp.Combine("damaged.tar.zst");
        var failures = new List<string>();
        int rejected = 0;
        foreach (int position in positions)
        {
            byte[] bad = (byte[])whole.Clone();
            bad[position] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(damaged, bad);

            bool zstdAccepts = ExternalTool.Run("zstd", "-t", "-q", damaged).ExitCode == 0;
            var result = Archives.Test(damaged);
            rejected += zstdAccepts ? 0 : 1;
            if (!zstdAccepts && result.IsValid)
            {
                failures.Add($"byte {position}: zstd -t rejects it, Test-Archive finds it valid");
            }
            else if (zstdAccepts && !result.IsValid && !noCheck)
            {
                failures.Add($"byte {position}: zstd -t accepts it, Test-Archive finds it invalid: {string.Join("; ", result.Problems)}");
            }
            else if (!zstdAccepts && !result.Problems.Any(p => FoundAs(position, p, bad)))
            {
                failures.Add($"byte {position}: reported as {string.Join("; ", result.Problems.Select(p => $"{p.ErrorId} at {p.Offset}"))}");
            }
        }

        Assert.True(rejected > (noCheck ? 60 : 100), $"{what}: only {rejected} of the damaged copies were damage zstd -t finds");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// How damage zstd finds is to be reported: in the first magic number the file is no longer zstd;
    /// a frame header that now asks for a dictionary or a window above the limit is UnsupportedCompression
    /// at that frame; otherwise the archive is corrupt or truncated, or, when the damaged data decodes
    /// to a damaged tar header before the frame's checksum is reached, the header's checksum does not match.
    /// </summary>
    private static bool FoundAs(int position, ItemProblem problem, byte[] bad) =>
        position < 4
            ? problem.ErrorId is nameof(Errors.NotAnArchive) or nameof(Errors.UnsupportedCompression)
            : problem.ErrorId is nameof(Errors.ArchiveCorrupt) or nameof(Errors.ArchiveTruncated) or nameof(Errors.HeaderChecksumMismatch)
              || (problem.ErrorId == nameof(Errors.UnsupportedCompression) && problem.Offset is long at && ZstdFormat.IsFrame(bad.AsSpan((int)at)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_zstd_archive_cut_anywhere_is_ArchiveTruncated(bool managed)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        var (archive, boundaries) = JoinedFrames(["-q", "--no-check", "-q"]);
        byte[] whole = File.ReadAllBytes(archive);
        var random = new Random(7);
        var lengths = Enumerable.Range(4, 60)
            .Concat(Enumerable.Range(whole.Length - 60, 60))
            .Concat(boundaries.SelectMany(b => new[] { b - 1, b, b + 1, b + 5 }))
            .Concat(Enumerable.Range(0, 60).Select(_ => random.Next(4, whole.Length)))
            .Where(l => l < whole.Length)
            .Distinct();
        string cut = _temp.Combine("cut.tar.zst");
        foreach (int length in lengths)
        {
            File.WriteAllBytes(cut, whole[..length]);

            var result = Archives.Test(cut);

            // Cut between two frames, the zstd data is whole and only the tar stream is short.
            Assert.Equal(boundaries.Contains(length), ExternalTool.Run("zstd", "-t", "-q", cut).ExitCode == 0);
            Assert.False(result.IsValid, $"cut at {length} of {whole.Length} passed");
            Assert.Contains(result.Problems, p => p.ErrorId == nameof(Errors.ArchiveTruncated));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_single_frame_of_unknown_size_is_decoded_as_read_and_its_damage_found(bool managed)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(source, "big.log"), string.Concat(Enumerable.Range(0, 1_500_000).Select(i => $"{i * 2654435761L % 1000003}\n")));
        string archive = _temp.Combine("gnu.tar.zst");
        ExternalTool.Run("tar", "--zstd", "-cf", archive, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar --zstd -c");
        byte[] whole = File.ReadAllBytes(archive);
        Assert.True(whole.Length > (1 << 20), "the frame is not large");

        var test = Archives.Test(archive, compare: _temp.Combine("src"));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));

        var random = new Random(3);
        string damaged = _temp.Combine("damaged.tar.zst");
        foreach (int position in Enumerable.Range(0, 12).Select(_ => random.Next(20, whole.Length)).Append(whole.Length - 2))
        {
            byte[] bad = (byte[])whole.Clone();
            bad[position] ^= 0x10;
            File.WriteAllBytes(damaged, bad);
            Assert.NotEqual(0, ExternalTool.Run("zstd", "-t", "-q", damaged).ExitCode);

            var result = Archives.Test(damaged);

            Assert.False(result.IsValid, $"byte {position} flipped passed");
            Assert.Contains(result.Problems, p => p.ErrorId is nameof(Errors.ArchiveCorrupt) or nameof(Errors.HeaderChecksumMismatch));
        }

        File.WriteAllBytes(damaged, whole[..(whole.Length / 2)]);
        Assert.Equal(Errors.ArchiveTruncated.Id, Assert.Throws<BackupException>(() => Archives.Expand(damaged, _temp.Combine("out"))).ErrorId);
        Assert.Empty(Archives.Temporaries(_temp.Combine("out")));
    }

    [Fact]
    public void Skippable_frames_are_passed_over_and_anything_else_between_frames_is_judged_as_zstd_judges_it()
    {
        var (archive, boundaries) = JoinedFrames(["-q", "-q"]);
        byte[] whole = File.ReadAllBytes(archive);
        byte[] a = whole[..boundaries[0]];
        byte[] b = whole[boundaries[0]..];
        byte[] skippable = [0x5A, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5];
        byte[] emptySkippable = [0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0];
        int entries = Archives.List(_temp.Combine("plain.tar")).Items.Count;
        var cases = new (string What, byte[] Bytes, bool Valid)[]
        {
            ("a skippable frame first", [.. skippable, .. a, .. b], true),
            ("skippable frames between and after", [.. a, .. emptySkippable, .. skippable, .. b, .. skippable], true),
            ("a skippable frame cut short", [.. a, .. b, .. skippable[..^1]], false),
            ("zeros after the frames", [.. a, .. b, 0, 0, 0, 0, 0, 0, 0, 0], false),
            ("three bytes after the frames", [.. a, .. b, 0x28, 0xB5, 0x2F], false),
            ("text after the frames", [.. a, .. b, .. "trailing text"u8.ToArray()], false),
        };
        foreach (var (what, bytes, valid) in cases)
        {
            string joined = _temp.WriteFile("joined.tar.zst", bytes);

            var result = Archives.Test(joined, compare: valid ? _temp.Combine("src") : null);

            Assert.True(valid == (ExternalTool.Run("zstd", "-t", "-q", joined).ExitCode == 0), $"{what}: zstd -t disagrees");
            Assert.True(valid == result.IsValid, $"{what}: {string.Join("; ", result.Problems)}");
            if (valid)
            {
                Assert.Equal(entries, result.EntriesRead);
                Assert.Equal(ArchiveCompression.Zstd, result.Compression);
            }
            else
            {
                Assert.Contains(result.Problems, p => p.ErrorId is nameof(Errors.ArchiveCorrupt) or nameof(Errors.ArchiveTruncated));
            }
        }
    }

    [Fact]
    public void A_window_above_128_MiB_is_UnsupportedCompression_as_zstd_refuses_it_without_more_memory()
    {
        SampleTree.Create(_temp.Combine("src", "tree"));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        string archive = _temp.Combine("long.tar.zst");
        ExternalTool.Run("sh", "-c", "zstd -q --long=28 -c < \"$1\" > \"$2\"", "sh", plain, archive).EnsureSuccess("zstd --long=28");

        var test = Archives.Test(archive);
        var list = Assert.Throws<BackupException>(() => Archives.List(archive));

        Assert.NotEqual(0, ExternalTool.Run("zstd", "-t", "-q", archive).ExitCode);
        ExternalTool.Run("zstd", "-t", "-q", "--memory=256MB", archive).EnsureSuccess("zstd -t --memory=256MB (the archive is sound)");
        Assert.Equal(Errors.UnsupportedCompression.Id, Assert.Single(test.Problems).ErrorId);
        Assert.Equal(Errors.UnsupportedCompression.Id, list.ErrorId);
    }

    /// <summary>
    /// The sample tree and a log as a tar, cut into as many parts as <paramref name="options"/> has
    /// entries, each compressed by the zstd tool with its options, and joined; answers the file and where
    /// each frame after the first begins.
    /// </summary>
    private (string Archive, int[] Boundaries) JoinedFrames(string[] options)
    {
        string tree = SampleTree.Create(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(tree, "log.txt"), string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i} entry {i * 7919 % 1000}\n")));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        byte[] tar = File.ReadAllBytes(plain);
        var joined = new List<byte>();
        var boundaries = new List<int>();
        for (int i = 0; i < options.Length; i++)
        {
            string part = _temp.WriteFile($"part{i}", tar[(tar.Length * i / options.Length)..(tar.Length * (i + 1) / options.Length)]);
            ExternalTool.Run("zstd", "-q", "-f", options[i], part, "-o", part + ".zst").EnsureSuccess("zstd " + options[i]);
            if (i > 0)
            {
                boundaries.Add(joined.Count);
            }

            joined.AddRange(File.ReadAllBytes(part + ".zst"));
        }

        string archive = _temp.WriteFile("joined.tar.zst", joined.ToArray());
        ExternalTool.Run("zstd", "-t", "-q", archive).EnsureSuccess("zstd -t (the joined archive is sound)");
        return (archive, boundaries.ToArray());
    }
}
