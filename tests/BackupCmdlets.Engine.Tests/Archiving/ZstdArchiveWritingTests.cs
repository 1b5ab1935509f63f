using System.Buffers.Binary;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// New-TarArchive writes zstd as independent frames of 4 MiB with content checksums, compressed in
/// parallel by libzstd or ZstdSharp, and a seek table in a skippable frame (the zstd seekable format).
/// The judges are zstd (-t, -d, -l), GNU tar --zstd and bsdtar: each reads the archive and gives the
/// same tree.
/// </summary>
public sealed class ZstdArchiveWritingTests : IDisposable
{
    private const int FrameSize = 4 << 20;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false, "tree.tar.zst", null)]
    [InlineData(true, "tree.tzst", null)]
    [InlineData(false, "tree.zstd-archive", 19)]
    [InlineData(true, "tree.zstd-archive", 1)]
    public void What_we_write_zstd_GNU_tar_and_bsdtar_read_as_the_same_tree(bool managed, string name, int? level)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        string source = Source();
        string archive = _temp.Combine(name);

        var result = Create(source, archive, name.EndsWith(".zstd-archive", StringComparison.Ordinal) ? ArchiveCompression.Zstd : null, level);

        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
        ExternalTool.Run("zstd", "-t", "-q", archive).EnsureSuccess("zstd -t");
        string plain = _temp.Combine("decompressed.tar");
        ExternalTool.Run("zstd", "-d", "-q", "-f", archive, "-o", plain).EnsureSuccess("zstd -d");
        foreach (var (tool, arguments) in new[]
        {
            ("tar", new[] { "-xf", plain }),
            ("tar", ["--zstd", "-xf", archive]),
            ("bsdtar", ["-xf", archive]),
        })
        {
            string destination = _temp.CreateDirectory($"{tool}-{arguments[0]}");
            ExternalTool.Run(tool, [.. arguments, "-C", destination]).EnsureSuccess($"{tool} {string.Join(' ', arguments)}");
            TreeAssert.Identical(source, Path.Combine(destination, "tree"));
        }

        var test = Archives.Test(archive, compare: Path.GetDirectoryName(source));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.Equal(ArchiveCompression.Zstd, test.Compression);
    }

    [Fact]
    public void Frames_of_4_MiB_carry_checksums_and_the_seek_table_lists_each_of_them()
    {
        string source = Source();
        string archive = _temp.Combine("tree.tar.zst");
        Create(source, archive);
        string plain = _temp.Combine("decompressed.tar");
        ExternalTool.Run("zstd", "-d", "-q", "-f", archive, "-o", plain).EnsureSuccess("zstd -d");
        long tarLength = new FileInfo(plain).Length;
        byte[] bytes = File.ReadAllBytes(archive);

        var listing = ExternalTool.Run("zstd", "-lv", archive).EnsureSuccess("zstd -lv").StandardOutput;
        int frames = (int)((tarLength + FrameSize - 1) / FrameSize);
        Assert.True(frames >= 3, $"the tar is only {tarLength} bytes");
        Assert.Contains($"# Zstandard Frames: {frames}", listing);
        Assert.Contains("# Skippable Frames: 1", listing);
        Assert.Contains("Check: XXH64", listing);

        // The seek table, read back from the end as a seekable reader reads it.
        var footer = bytes.AsSpan(bytes.Length - ZstdFormat.SeekTableFooterLength);
        Assert.Equal(0x8F92EAB1u, BinaryPrimitives.ReadUInt32LittleEndian(footer[5..]));
        Assert.Equal(0, footer[4]);
        Assert.Equal(frames, BinaryPrimitives.ReadInt32LittleEndian(footer));
        int tableLength = ZstdFormat.SkippableHeaderLength + (frames * ZstdFormat.SeekTableEntryLength) + ZstdFormat.SeekTableFooterLength;
        var table = bytes.AsSpan(bytes.Length - tableLength);
        Assert.Equal(0x184D2A5Eu, BinaryPrimitives.ReadUInt32LittleEndian(table));
        Assert.Equal(tableLength - ZstdFormat.SkippableHeaderLength, BinaryPrimitives.ReadInt32LittleEndian(table[4..]));
        long frameStart = 0;
        long decompressed = 0;
        for (int i = 0; i < frames; i++)
        {
            int compressedSize = BinaryPrimitives.ReadInt32LittleEndian(table[(8 + (i * 8))..]);
            int decompressedSize = BinaryPrimitives.ReadInt32LittleEndian(table[(12 + (i * 8))..]);
            string frame = _temp.WriteFile($"frame{i}.zst", bytes[(int)frameStart..(int)(frameStart + compressedSize)]);
            Assert.Equal(decompressedSize, ExternalTool.Run("sh", "-c", "zstd -d -q -c \"$1\" | wc -c", "sh", frame).EnsureSuccess("zstd -d of one frame").StandardOutput.Trim() is var count ? int.Parse(count) : -1);
            Assert.True(i == frames - 1 || decompressedSize == FrameSize, $"frame {i} holds {decompressedSize} bytes");
            frameStart += compressedSize;
            decompressed += decompressedSize;
        }

        Assert.Equal(bytes.Length - tableLength, frameStart);
        Assert.Equal(tarLength, decompressed);
    }

    /// <summary>
    /// zstd passes over a skippable frame without reading it, so the seek table is a hint to seekable
    /// readers and not part of the data: our reader, which finds frames by their headers, ignores it
    /// as zstd does. Damage anywhere else, as zstd finds it, fails Test-Archive.
    /// </summary>
    [Fact]
    public void Every_flipped_bit_zstd_finds_in_what_we_write_fails_Test_Archive_and_none_it_accepts_does()
    {
        var (whole, frameStarts, tableLength) = OursInFrames();
        int frames = frameStarts.Count;
        Assert.True(frames >= 2, $"only {frames} frame");
        int secondFrame = frameStarts[1];
        var random = new Random(whole.Length);
        var positions = Enumerable.Range(0, 40)
            .Concat(Enumerable.Range(secondFrame - 10, 40))
            .Concat(Enumerable.Range(whole.Length - tableLength - 40, tableLength + 40))
            .Concat(Enumerable.Range(0, 120).Select(_ => random.Next(whole.Length)))
            .Where(p => p >= 0 && p < whole.Length)
            .Distinct();
        string damaged = _temp.Combine("damaged.tar.zst");
        var failures = new List<string>();
        int rejected = 0;
        int tableFlipsAccepted = 0;
        foreach (int position in positions)
        {
            byte[] bad = (byte[])whole.Clone();
            bad[position] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(damaged, bad);

            bool zstdAccepts = ExternalTool.Run("zstd", "-t", "-q", damaged).ExitCode == 0;
            var result = Archives.Test(damaged, compare: zstdAccepts ? _temp.Combine("src") : null);
            rejected += zstdAccepts ? 0 : 1;
            tableFlipsAccepted += zstdAccepts && result.IsValid && position >= whole.Length - tableLength + ZstdFormat.SkippableHeaderLength ? 1 : 0;
            if (zstdAccepts != result.IsValid)
            {
                failures.Add($"byte {position}: zstd -t {(zstdAccepts ? "accepts" : "rejects")} it, Test-Archive finds it {(result.IsValid ? "valid" : "invalid: " + string.Join("; ", result.Problems))}");
            }
        }

        Assert.True(rejected > 100, $"only {rejected} of the damaged copies were damage zstd -t finds");
        Assert.True(tableFlipsAccepted >= frames * ZstdFormat.SeekTableEntryLength, $"only {tableFlipsAccepted} flips in the seek table were passed over");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// A window descriptor flipped to a smaller window than the frame's matches reach back: zstd rejects
    /// it, and so must Test-Archive, although a decoder given room for the whole frame at once would
    /// decode it without looking at the window.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_window_smaller_than_the_matches_reach_is_found_as_zstd_finds_it(bool managed)
    {
        using var fallback = managed ? ZstdCodec.UseManaged() : null;
        var (whole, frameStarts, _) = OursInFrames();

        // Frames holding their window descriptor: all but a short last one, which is one segment.
        var windowed = frameStarts.Where(start => (whole[start + ZstdFormat.MagicLength] & 0x20) == 0).Take(2).ToList();
        Assert.NotEmpty(windowed);
        string damaged = _temp.Combine("damaged.tar.zst");
        var failures = new List<string>();
        int rejected = 0;
        foreach (int frameStart in windowed)
        {
            int descriptor = frameStart + ZstdFormat.MagicLength + 1;
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] bad = (byte[])whole.Clone();
                bad[descriptor] ^= (byte)(1 << bit);
                File.WriteAllBytes(damaged, bad);

                bool zstdAccepts = ExternalTool.Run("zstd", "-t", "-q", damaged).ExitCode == 0;
                var result = Archives.Test(damaged);
                rejected += zstdAccepts ? 0 : 1;
                if (zstdAccepts != result.IsValid)
                {
                    failures.Add($"byte {descriptor} bit {bit}: zstd -t {(zstdAccepts ? "accepts" : "rejects")} it, Test-Archive finds it {(result.IsValid ? "valid" : "invalid: " + string.Join("; ", result.Problems))}");
                }
            }
        }

        Assert.True(rejected >= 4, $"only {rejected} of the flipped window descriptors were damage zstd -t finds");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_level_defaults_to_3_and_is_1_to_19_for_zstd_and_1_to_9_for_the_others()
    {
        string source = Source();
        Create(source, _temp.Combine("default.tar.zst"));
        Create(source, _temp.Combine("three.tar.zst"), level: 3);
        Create(source, _temp.Combine("nineteen.tar.zst"), level: 19);

        var zstd20 = Assert.Throws<BackupException>(() => Create(source, _temp.Combine("twenty.tar.zst"), level: 20));
        var gzip10 = Assert.Throws<BackupException>(() => Create(source, _temp.Combine("ten.tar.gz"), level: 10));
        var zstd0 = Assert.Throws<BackupException>(() => Create(source, _temp.Combine("zero.tar.zst"), level: 0));

        Assert.Equal(File.ReadAllBytes(_temp.Combine("three.tar.zst")), File.ReadAllBytes(_temp.Combine("default.tar.zst")));
        Assert.True(new FileInfo(_temp.Combine("nineteen.tar.zst")).Length < new FileInfo(_temp.Combine("three.tar.zst")).Length);
        Assert.Equal(Errors.InvalidCompressionLevel.Id, zstd20.ErrorId);
        Assert.Equal("-CompressionLevel must be 1 to 19 for Zstd, not 20.", zstd20.Message);
        Assert.Equal(Errors.InvalidCompressionLevel.Id, gzip10.ErrorId);
        Assert.Equal("-CompressionLevel must be 1 to 9 for GZip, not 10.", gzip10.Message);
        Assert.Equal(Errors.ParameterOutOfRange.Id, Assert.Throws<BackupException>(() => BackupEngine.NewTarArchiveAsync(new CreateArchiveRequest([source], _temp.Combine("zero.tar.zst")) { CompressionLevel = 0 }, null, CancellationToken.None).GetAwaiter().GetResult()).ErrorId);
        Assert.Equal(Errors.InvalidCompressionLevel.Id, zstd0.ErrorId);
        Assert.False(File.Exists(_temp.Combine("twenty.tar.zst")));
        Assert.False(File.Exists(_temp.Combine("ten.tar.gz")));
    }

    [Fact]
    public async Task Database_backups_take_zstd_and_refuse_xz_before_doing_anything()
    {
        var zstd = new StartBackupRequest(DatabaseEngine.PostgreSql, "Host=/nonexistent;Username=nobody", _temp.Combine("repository")) { Compression = ArchiveCompression.Zstd };
        zstd.Validate();

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.StartHotBackupAsync(zstd with { Compression = ArchiveCompression.Xz }, null, CancellationToken.None));

        Assert.Equal(Errors.ParameterOutOfRange.Id, error.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void A_zstd_name_with_another_compression_is_refused()
    {
        string source = Source();

        var error = Assert.Throws<BackupException>(() => Archives.Create(source, _temp.Combine("tree.tar.zst"), ArchiveCompression.GZip));

        Assert.Equal(Errors.CompressionContradictsName.Id, error.ErrorId);
        Assert.False(File.Exists(_temp.Combine("tree.tar.zst")));
    }

    /// <summary>New-TarArchive as the engine runs it, the compression from the name unless given.</summary>
    private static ArchiveResult Create(string source, string archive, ArchiveCompression? compression = null, int? level = null) =>
        ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive) { Compression = compression, CompressionLevel = level }, null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Our archive of the sample tree and a log of some 6 MiB (so at least two frames): its bytes, where
    /// each frame starts by the seek table, and the length of the seek table's skippable frame.
    /// </summary>
    private (byte[] Whole, IReadOnlyList<int> FrameStarts, int TableLength) OursInFrames()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(source, "big.log"), string.Concat(Enumerable.Range(0, 800_000).Select(i => $"{i * 2654435761L % 1000003}\n")));
        string archive = _temp.Combine("ours.tar.zst");
        Create(source, archive);
        byte[] whole = File.ReadAllBytes(archive);
        int frames = BinaryPrimitives.ReadInt32LittleEndian(whole.AsSpan(whole.Length - ZstdFormat.SeekTableFooterLength));
        int tableLength = ZstdFormat.SkippableHeaderLength + (frames * ZstdFormat.SeekTableEntryLength) + ZstdFormat.SeekTableFooterLength;
        var starts = new List<int>();
        for (int i = 0, at = 0; i < frames; i++)
        {
            starts.Add(at);
            at += BinaryPrimitives.ReadInt32LittleEndian(whole.AsSpan(whole.Length - tableLength + ZstdFormat.SkippableHeaderLength + (i * ZstdFormat.SeekTableEntryLength)));
        }

        return (whole, starts, tableLength);
    }

    /// <summary>The sample tree with a log of some 10 MiB, so the tar spans several frames.</summary>
    private string Source()
    {
        string tree = SampleTree.Create(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(tree, "big.log"), string.Concat(Enumerable.Range(0, 1_700_000).Select(i => $"{i * 2654435761L % 1000003}\n")));
        return tree;
    }
}
