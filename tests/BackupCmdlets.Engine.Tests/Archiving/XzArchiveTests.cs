using System.Buffers.Binary;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Xz archives are read (SharpCompress decodes, <see cref="XzStructure"/> holds the container to the
/// format) and never written. The judge is the xz tool: whatever `xz -t` rejects, Test-Archive
/// rejects as ArchiveCorrupt or ArchiveTruncated, and whatever it accepts, Test-Archive accepts.
/// (Archives `tar -cJf` writes are listed, tested and extracted as GNU tar does in GnuTarArchiveTests.)
/// </summary>
public sealed class XzArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("-T1", "crc64")]
    [InlineData("-T2", "crc32")]
    [InlineData("-T1", "sha256")]
    [InlineData("-T1", "none")]
    public void Every_flipped_bit_xz_finds_fails_Test_Archive_and_none_it_accepts_does(string threads, string check)
    {
        string archive = MultiBlockArchive(threads, check);
        byte[] whole = File.ReadAllBytes(archive);
        var random = new Random(whole.Length);
        var positions = Enumerable.Range(0, 96)
            .Concat(Enumerable.Range(whole.Length - 160, 160))
            .Concat(Enumerable.Range(0, 160).Select(_ => random.Next(whole.Length)))
            .Where(p => p >= 0 && p < whole.Length)
            .Distinct();
        string damaged = _temp.Combine("damaged.tar.xz");
        var failures = new List<string>();
        int rejected = 0;
        foreach (int position in positions)
        {
            byte[] bad = (byte[])whole.Clone();
            bad[position] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(damaged, bad);

            bool xzAccepts = ExternalTool.Run("xz", "-t", damaged).ExitCode == 0;
            var result = Archives.Test(damaged);
            rejected += xzAccepts ? 0 : 1;
            if (xzAccepts != result.IsValid)
            {
                failures.Add($"byte {position}: xz -t {(xzAccepts ? "accepts" : "rejects")} it, Test-Archive finds it {(result.IsValid ? "valid" : "invalid: " + string.Join("; ", result.Problems))}");
            }
            else if (!xzAccepts && !result.Problems.Any(p => FoundAs(position).Contains(p.ErrorId)))
            {
                failures.Add($"byte {position}: reported as {string.Join("; ", result.Problems.Select(p => p.ErrorId))}");
            }
        }

        Assert.True(rejected > 100, $"only {rejected} of the damaged copies were damage xz -t finds");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// The error damage at <paramref name="position"/> of an archive is to be reported as: in the magic
    /// bytes the file is no longer xz (xz says "File format not recognized"); anywhere else the archive is
    /// corrupt, or, when the damaged LZMA2 data decodes to a damaged tar header before the end of its
    /// block (where the check is), the header's checksum does not match.
    /// </summary>
    private static string[] FoundAs(int position) =>
        position < 6 ? [nameof(Errors.NotAnArchive)] : [nameof(Errors.ArchiveCorrupt), nameof(Errors.ArchiveTruncated), nameof(Errors.HeaderChecksumMismatch)];

    [Theory]
    [InlineData("-T1", "crc64")]
    [InlineData("-T2", "crc32")]
    public void An_xz_archive_cut_anywhere_is_ArchiveTruncated(string threads, string check)
    {
        string archive = MultiBlockArchive(threads, check);
        byte[] whole = File.ReadAllBytes(archive);
        var random = new Random(7);
        var lengths = Enumerable.Range(6, 90)
            .Concat(Enumerable.Range(whole.Length - 100, 100))
            .Concat(Enumerable.Range(0, 80).Select(_ => random.Next(6, whole.Length)))
            .Distinct();
        string cut = _temp.Combine("cut.tar.xz");
        foreach (int length in lengths)
        {
            File.WriteAllBytes(cut, whole[..length]);

            var result = Archives.Test(cut);

            Assert.NotEqual(0, ExternalTool.Run("xz", "-t", cut).ExitCode);
            Assert.False(result.IsValid, $"cut at {length} of {whole.Length} passed");
            Assert.Contains(result.Problems, p => p.ErrorId == nameof(Errors.ArchiveTruncated));
        }
    }

    [Fact]
    public void Extracting_a_truncated_xz_archive_stops_with_ArchiveTruncated()
    {
        string archive = MultiBlockArchive("-T1", "crc64");
        byte[] whole = File.ReadAllBytes(archive);
        string cut = _temp.WriteFile("cut.tar.xz", whole[..(whole.Length * 2 / 3)]);

        var error = Assert.Throws<BackupException>(() => Archives.Expand(cut, _temp.Combine("out")));

        Assert.Equal(Errors.ArchiveTruncated.Id, error.ErrorId);
        Assert.Empty(Archives.Temporaries(_temp.Combine("out")));
    }

    [Fact]
    public void Joined_xz_streams_are_read_to_the_end_and_padding_or_data_after_them_is_judged_as_xz_judges_it()
    {
        string tree = SampleTree.Create(_temp.Combine("src", "tree"));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        byte[] tar = File.ReadAllBytes(plain);
        _temp.WriteFile("a", tar[..(tar.Length / 2)]);
        _temp.WriteFile("b", tar[(tar.Length / 2)..]);
        ExternalTool.Run("xz", "-k", _temp.Combine("a"), _temp.Combine("b")).EnsureSuccess("xz");
        byte[] a = File.ReadAllBytes(_temp.Combine("a.xz"));
        byte[] b = File.ReadAllBytes(_temp.Combine("b.xz"));
        int entries = Archives.List(plain).Items.Count;
        var cases = new (string What, byte[] Bytes, bool Valid)[]
        {
            ("two streams", [.. a, .. b], true),
            ("two streams, 4 bytes of padding between", [.. a, 0, 0, 0, 0, .. b], true),
            ("two streams, 8 bytes of padding after", [.. a, .. b, 0, 0, 0, 0, 0, 0, 0, 0], true),
            ("two streams, 3 bytes of padding between", [.. a, 0, 0, 0, .. b], false),
            ("two streams, 5 bytes of padding after", [.. a, .. b, 0, 0, 0, 0, 0], false),
            ("a stream, then text", [.. a, .. b, .. "trailing text"u8.ToArray()], false),
        };
        foreach (var (what, bytes, valid) in cases)
        {
            string joined = _temp.WriteFile("joined.tar.xz", bytes);

            var result = Archives.Test(joined, compare: valid ? _temp.Combine("src") : null);

            Assert.Equal(valid, ExternalTool.Run("xz", "-t", joined).ExitCode == 0);
            Assert.True(valid == result.IsValid, $"{what}: {string.Join("; ", result.Problems)}");
            if (valid)
            {
                Assert.Equal(entries, result.EntriesRead);
            }
            else
            {
                Assert.Contains(result.Problems, p => p.ErrorId == nameof(Errors.ArchiveCorrupt));
            }
        }
    }

    [Fact]
    public void An_index_that_misstates_a_block_is_ArchiveCorrupt_even_under_a_matching_CRC()
    {
        string archive = MultiBlockArchive("-T1", "crc64");
        byte[] bytes = File.ReadAllBytes(archive);
        int footer = bytes.Length - 12;
        int index = footer - (int)((BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(footer + 4)) + 1) * 4);
        Assert.Equal(0, bytes[index]);

        // The index: indicator, record count, (unpadded size, uncompressed size) per block, padding, CRC-32.
        int at = index + 1;
        int count = (int)ReadVli(bytes, ref at);
        Assert.True(count > 2, $"the archive has {count} blocks");
        ReadVli(bytes, ref at);
        int uncompressedAt = at;
        bytes[uncompressedAt] ^= 0x01; // the first block's uncompressed size, one off, in the same number of bytes
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(footer - 4), ZlibNative.Crc32(0, bytes.AsSpan(index, footer - 4 - index)));
        string damaged = _temp.WriteFile("misstated.tar.xz", bytes);

        var result = Archives.Test(damaged);

        Assert.NotEqual(0, ExternalTool.Run("xz", "-t", damaged).ExitCode);
        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.ArchiveCorrupt.Id, problem.ErrorId);
        Assert.Equal(uncompressedAt, problem.Offset);
    }

    [Fact]
    public void A_branch_filter_is_read_and_a_filter_SharpCompress_lacks_is_UnsupportedCompression()
    {
        string tree = SampleTree.Create(_temp.Combine("src", "tree"));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        string x86 = _temp.Combine("x86.tar.xz");
        string delta = _temp.Combine("delta.tar.xz");
        Xz(plain, x86, "--x86", "--lzma2");
        Xz(plain, delta, "--delta=dist=4", "--lzma2");
        ExternalTool.Run("xz", "-t", delta).EnsureSuccess("xz -t (the delta archive is sound)");

        var x86Test = Archives.Test(x86, compare: _temp.Combine("src"));
        var expanded = Archives.Expand(x86, _temp.Combine("x86"), preserveOwner: true);
        var deltaTest = Archives.Test(delta);
        var deltaList = Assert.Throws<BackupException>(() => Archives.List(delta));

        Assert.True(x86Test.IsValid, string.Join("\n", x86Test.Problems));
        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        TreeAssert.Identical(tree, _temp.Combine("x86", "tree"));
        Assert.False(deltaTest.IsValid);
        Assert.Equal(Errors.UnsupportedCompression.Id, Assert.Single(deltaTest.Problems).ErrorId);
        Assert.Equal(Errors.UnsupportedCompression.Id, deltaList.ErrorId);
    }

    [Fact]
    public async Task New_TarArchive_and_database_backups_refuse_to_write_xz_before_doing_anything()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("out.tar");

        var asked = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.NewTarArchiveAsync(new CreateArchiveRequest([source], archive) { Compression = ArchiveCompression.Xz }, null, CancellationToken.None));
        var named = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.NewTarArchiveAsync(new CreateArchiveRequest([source], _temp.Combine("out.tar.xz")), null, CancellationToken.None));
        var database = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.StartHotBackupAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, "Host=/nonexistent;Username=nobody", _temp.Combine("repository")) { Compression = ArchiveCompression.Xz }, null, CancellationToken.None));

        Assert.Equal(Errors.ParameterOutOfRange.Id, asked.ErrorId);
        Assert.Equal("-Compression must be one of None, GZip, BZip2, Zstd, not Xz.", asked.Message);
        Assert.Equal(Errors.CompressionContradictsName.Id, named.ErrorId);
        Assert.Equal(Errors.ParameterOutOfRange.Id, database.ErrorId);
        Assert.Equal(["tree"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    /// <summary>A tar of the sample tree and some more text, compressed by xz in blocks of 16 KiB (so the index has many records).</summary>
    private string MultiBlockArchive(string threads, string check)
    {
        string tree = SampleTree.Create(_temp.Combine("src", "tree"));
        File.WriteAllText(Path.Combine(tree, "log.txt"), string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i} entry {i * 7919 % 1000}\n")));
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        string archive = _temp.Combine($"blocks{threads}-{check}.tar.xz");
        Xz(plain, archive, threads, "--block-size=16KiB", $"--check={check}");
        var test = Archives.Test(archive, compare: _temp.Combine("src"));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.Equal(ArchiveCompression.Xz, test.Compression);
        return archive;
    }

    /// <summary>Compresses <paramref name="plain"/> into <paramref name="archive"/> (named *.xz) with the xz tool and <paramref name="options"/>.</summary>
    private static void Xz(string plain, string archive, params string[] options)
    {
        string input = archive[..^".xz".Length];
        File.Copy(plain, input, overwrite: true);
        ExternalTool.Run("xz", [.. options, "-f", input]).EnsureSuccess("xz " + string.Join(' ', options));
    }

    private static long ReadVli(byte[] bytes, ref int at)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
