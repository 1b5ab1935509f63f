using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 12, item 8: a WAL segment that is not a whole segment of the cluster (cut short by the
/// archive_command, another segment's bytes, another cluster's or another version's WAL) fails the
/// backup that would keep it, and Test-BackupSet (so restore too) finds it in a set, plain, gzip or zstd.
/// </summary>
public sealed partial class PostgreSqlWalSegmentTests
{
    private const int FourMegabytes = 4 << 20;

    [Fact]
    public async Task A_segment_the_archive_command_cut_short_fails_the_backup_naming_the_segment()
    {
        using var temp = new TempDirectory("bkc-pg-walcut-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute($"ALTER SYSTEM SET archive_command = 'head -c {FourMegabytes} %p > {cluster.ArchiveDirectory}/%f'");
        cluster.Execute("SELECT pg_reload_conf()");
        string repository = temp.Combine("repository");

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository), null, CancellationToken.None));

        Assert.Equal(Errors.WalSegmentInvalid.Id, error.ErrorId);
        string segment = SegmentName().Match(error.Message).Value;
        Assert.Equal(Path.Combine(cluster.ArchiveDirectory, segment), error.Path);
        Assert.Equal(FourMegabytes, new FileInfo(error.Path!).Length);
        Assert.Contains($"{FourMegabytes} bytes", error.Message);
        Assert.Contains($"{16 << 20}", error.Message);
        Assert.Equal(BackupSetStatus.Incomplete, Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository))).Status);
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.Zstd)]
    public async Task Test_BackupSet_finds_a_segment_that_is_not_a_whole_segment_of_the_cluster_and_restore_refuses_the_set(ArchiveCompression compression)
    {
        using var temp = new TempDirectory("bkc-pg-walset-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) g");
        cluster.Execute("SELECT pg_switch_wal()");
        var set = await DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.Combine("repository")) { Compression = compression },
            null,
            CancellationToken.None);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        var manifest = ManifestStore.Read(set.Path);
        string inSet = manifest.RedoFiles.First(f => SegmentFile().IsMatch(Unsuffixed(f)));
        string name = Unsuffixed(inSet);
        Assert.Equal(compression == ArchiveCompression.GZip, inSet.EndsWith(".gz", StringComparison.Ordinal));
        Assert.Equal(compression == ArchiveCompression.Zstd, inSet.EndsWith(".zst", StringComparison.Ordinal));
        byte[] original = File.ReadAllBytes(Path.Combine(cluster.ArchiveDirectory, name));
        string otherSegment = Directory.EnumerateFiles(cluster.ArchiveDirectory).Select(Path.GetFileName).First(f => SegmentFile().IsMatch(f!) && f != name)!;
        byte[] other = File.ReadAllBytes(Path.Combine(cluster.ArchiveDirectory, otherSegment));

        var damages = new (string What, byte[] Content, string Named)[]
        {
            ("cut short", original[..FourMegabytes], $"{FourMegabytes} bytes"),
            ("another segment's bytes", other, "address"),
            ("another cluster's WAL", With(original, 24, BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(24)) + 1), "system identifier"),
            ("PostgreSQL 14's WAL", With(original, 0, 0xD10D), "magic"),
        };
        foreach (var (what, content, named) in damages)
        {
            ReplaceInSet(set.Path, inSet, content);

            var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);

            Assert.False(test.Passed, $"{what}: the set passed");
            Assert.False(test.RedoComplete);
            var problem = Assert.Single(test.Problems);
            Assert.Equal(Errors.WalSegmentInvalid.Id, problem.ErrorId);
            Assert.Equal(inSet, problem.Path);
            Assert.Contains(named, problem.Message);
        }

        string destination = temp.Combine("restored");
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, destination), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed.Id, restore.ErrorId);
        Assert.Contains(inSet, restore.Message);
        Assert.False(Directory.Exists(destination));

        ReplaceInSet(set.Path, inSet, original);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        if (compression == ArchiveCompression.GZip)
        {
            // A set written before zstd records no redo compression: its .gz segments are read as gzip still.
            var current = ManifestStore.Read(set.Path);
            File.Delete(ManifestStore.PathIn(set.Path));
            ManifestStore.Write(set.Path, current with { RedoCompression = null });
            Assert.DoesNotContain("redoCompression\": \"", File.ReadAllText(ManifestStore.PathIn(set.Path)));
            Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        }
    }

    [Fact]
    public async Task A_flipped_byte_in_a_zstd_WAL_file_fails_Test_BackupSet_and_zstd_agrees()
    {
        using var temp = new TempDirectory("bkc-pg-walzst-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) g");
        var set = await DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.Combine("repository")) { Compression = ArchiveCompression.Zstd },
            null,
            CancellationToken.None);
        var manifest = ManifestStore.Read(set.Path);
        string inSet = manifest.RedoFiles.First(f => SegmentFile().IsMatch(Unsuffixed(f)));
        string file = Path.Combine(set.Path, inSet);
        ExternalTool.Run("zstd", "-t", file).EnsureSuccess("zstd -t of the intact file");
        byte[] stored = File.ReadAllBytes(file);
        stored[stored.Length / 2] ^= 0x10;
        File.WriteAllBytes(file, stored);
        AgreeWithManifest(set.Path, inSet);

        var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);

        Assert.NotEqual(0, ExternalTool.Run("zstd", "-t", file).ExitCode);
        Assert.False(test.Passed);
        Assert.False(test.RedoComplete);
        var problem = Assert.Single(test.Problems);
        Assert.Equal(Errors.WalSegmentInvalid.Id, problem.ErrorId);
        Assert.Equal(inSet, problem.Path);
        Assert.Contains("not a readable zstd file", problem.Message);
    }

    private static string Unsuffixed(string setPath) =>
        Path.GetFileName(setPath).Replace(".gz", "", StringComparison.Ordinal).Replace(".zst", "", StringComparison.Ordinal);

    private static byte[] With(byte[] segment, int offset, ulong value)
    {
        byte[] copy = (byte[])segment.Clone();
        if (offset == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(copy, (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(offset), value);
        }

        return copy;
    }

    /// <summary>Puts <paramref name="content"/> (gzip-compressed for a .gz file, zstd for a .zst one) into the set under <paramref name="setPath"/>, with a manifest that agrees, as a set made from a bad archive would be.</summary>
    private static void ReplaceInSet(string set, string setPath, byte[] content)
    {
        string file = Path.Combine(set, setPath);
        using (var output = File.Create(file))
        {
            if (setPath.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var gzip = new GZipStream(output, CompressionLevel.Fastest);
                gzip.Write(content);
            }
            else if (setPath.EndsWith(".zst", StringComparison.Ordinal))
            {
                byte[] frame = new byte[ZstdFrameCompressor.MaxOutputLength(content.Length)];
                output.Write(frame, 0, ZstdFrameCompressor.Compress(content, frame, 1));
            }
            else
            {
                output.Write(content);
            }
        }

        AgreeWithManifest(set, setPath);
    }

    /// <summary>Rewrites the manifest so that it lists the file at <paramref name="setPath"/> as it is now.</summary>
    private static void AgreeWithManifest(string set, string setPath)
    {
        byte[] stored = File.ReadAllBytes(Path.Combine(set, setPath));
        var manifest = ManifestStore.Read(set);
        var files = manifest.Files.Select(f => f.Path == setPath ? f with { Size = stored.Length, Sha256 = Convert.ToHexString(SHA256.HashData(stored)).ToLowerInvariant() } : f).ToList();
        File.Delete(ManifestStore.PathIn(set));
        ManifestStore.Write(set, manifest with { Files = files });
    }

    [GeneratedRegex("[0-9A-F]{24}")]
    private static partial Regex SegmentName();

    [GeneratedRegex("^[0-9A-F]{24}$")]
    private static partial Regex SegmentFile();
}
