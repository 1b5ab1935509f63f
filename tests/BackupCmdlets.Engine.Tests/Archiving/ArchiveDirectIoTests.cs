using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Uncompressed archives are written with direct I/O on file systems that take it (ext4 here) and
/// through the page cache on those that do not (tmpfs): the bytes must not depend on which, the
/// unaligned end must be written, and a full volume must leave nothing behind.
/// </summary>
public sealed class ArchiveDirectIoTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Plain_archives_are_the_same_bytes_written_direct_or_through_the_page_cache()
    {
        Assert.True(IO.UnixFileSystem.IsRoot, "this test mounts a tmpfs, which needs root (CI runs as root)");
        string source = _temp.CreateDirectory("src");
        var random = new Random(11);
        foreach (var (name, size) in new[] { ("a.bin", 5 << 20), ("b.bin", (3 << 20) + 1234), ("c.txt", 777) })
        {
            byte[] content = new byte[size];
            random.NextBytes(content);
            File.WriteAllBytes(Path.Combine(source, name), content);
        }

        string direct = _temp.Combine("direct.tar");
        using var tmpfs = new TmpfsVolume(_temp.Combine("tmpfs"), 32 << 10);
        string buffered = Path.Combine(tmpfs.Path, "buffered.tar");
        var directResult = Archives.Create(source, direct, checksum: true);
        var bufferedResult = Archives.Create(source, buffered);

        Assert.True(new FileInfo(direct).Length % 4096 != 0, "the archive should end off a 4 KiB boundary, so the unaligned tail is written");
        Assert.Equal(File.ReadAllBytes(buffered), File.ReadAllBytes(direct));
        Assert.Equal(directResult.Sha256, bufferedResult.Sha256);
        ExternalTool.Run("sha256sum", ["-c", "direct.tar.sha256"], workingDirectory: _temp.Path).EnsureSuccess("sha256sum -c");
        ExternalTool.Run("tar", "-df", direct, "-C", _temp.Path).EnsureSuccess("tar -d");
    }

    [Fact]
    public async Task An_archive_that_does_not_fit_leaves_nothing_on_a_full_ext4_volume()
    {
        Assert.True(IO.UnixFileSystem.IsRoot, "this test mounts a loop device, which needs root (CI runs as root)");
        string source = _temp.CreateDirectory("src");
        byte[] content = new byte[24 << 20];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(Path.Combine(source, "big.bin"), content);
        using var volume = new LoopVolume(_temp.Combine("volume.img"), _temp.Combine("volume"), 16);
        string archive = Path.Combine(volume.Path, "out.tar");

        var error = await Assert.ThrowsAsync<BackupException>(() => ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive), null, CancellationToken.None));

        Assert.Equal(Errors.DestinationFull.Id, error.ErrorId);
        Assert.Contains("space", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(volume.Entries());
    }
}
