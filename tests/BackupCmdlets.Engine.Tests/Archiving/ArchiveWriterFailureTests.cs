using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>A failure of the thread that writes the archive reaches the caller, however far ahead the producer is.</summary>
public sealed class ArchiveWriterFailureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    public async Task A_volume_that_fills_up_at_the_first_chunk_fails_the_run_and_leaves_nothing(ArchiveCompression compression)
    {
        Assert.True(IO.UnixFileSystem.IsRoot, "this test mounts a tmpfs, which needs root (CI runs as root)");
        string source = _temp.CreateDirectory("src");
        byte[] noise = new byte[48 << 20];
        new Random(23).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(source, "big.bin"), noise);
        using var volume = new TmpfsVolume(_temp.Combine("small"), 1024);
        using var giveUp = new CancellationTokenSource();
        var create = ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], Path.Combine(volume.Path, "out" + Archives.Suffix(compression))) { Compression = compression }, null, giveUp.Token);

        var finished = await Task.WhenAny(create, Task.Delay(TimeSpan.FromSeconds(60)));
        giveUp.Cancel();

        Assert.True(finished == create, "the run did not end within a minute of the disk filling up");
        var error = await Assert.ThrowsAsync<BackupException>(() => create);
        Assert.Equal(Errors.DestinationFull.Id, error.ErrorId);
        Assert.Contains("space", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.EnumerateFileSystemEntries(volume.Path));
    }

    /// <summary>
    /// The volume is left with every amount of free space from none to more than the archive and its
    /// .sha256 need, so the disk fills at the first chunk, mid-run, at the last chunk, at the flush, at the
    /// .sha256, or not at all. Each run either writes a complete archive whose .sha256 matches, or stops at
    /// once with DestinationFull and leaves no temporary and no new archive: with -Force, the previous
    /// archive and its .sha256 stay as they were.
    /// </summary>
    [Theory]
    [InlineData(ArchiveCompression.None, false)]
    [InlineData(ArchiveCompression.GZip, false)]
    [InlineData(ArchiveCompression.None, true)]
    [InlineData(ArchiveCompression.GZip, true)]
    public async Task A_volume_that_fills_up_anywhere_in_the_run_fails_it_cleanly(ArchiveCompression compression, bool replacing)
    {
        Assert.True(IO.UnixFileSystem.IsRoot, "this test mounts a tmpfs, which needs root (CI runs as root)");
        const long Page = 4096;
        string source = _temp.CreateDirectory("src");
        var random = new Random(41);
        for (int i = 0; i < 5; i++)
        {
            byte[] noise = new byte[(3 << 20) + random.Next(1 << 16)];
            random.NextBytes(noise);
            File.WriteAllBytes(Path.Combine(source, $"part{i}.bin"), noise);
        }

        string name = "out" + Archives.Suffix(compression);
        string reference = Archives.Create(source, _temp.Combine(name), compression, checksum: true).Path;
        long pages = (new FileInfo(reference).Length + Page - 1) / Page;
        using var volume = new TmpfsVolume(_temp.Combine("small"), (int)((2 * pages + 64) * Page / 1024));
        string archive = Path.Combine(volume.Path, name);
        byte[]? previous = null;
        string? previousChecksum = null;
        if (replacing)
        {
            previous = new byte[pages * Page / 2];
            random.NextBytes(previous);
            File.WriteAllBytes(archive, previous);
            previousChecksum = "previous checksum\n";
            File.WriteAllText(archive + ".sha256", previousChecksum);
        }

        long[] frees = [0, Page, pages * Page / 4, pages * Page / 2, pages * Page - 2 * Page, pages * Page - Page, pages * Page, pages * Page + Page, pages * Page + 2 * Page, pages * Page * 2];
        int succeeded = 0;
        int failed = 0;
        foreach (long free in frees)
        {
            string filler = Path.Combine(volume.Path, "filler");
            using (var handle = File.OpenHandle(filler, FileMode.CreateNew, FileAccess.Write))
            {
                long fill = new DriveInfo(volume.Path).AvailableFreeSpace - free;
                if (fill > 0)
                {
                    IO.UnixFileSystem.Preallocate(handle, fill);
                }
            }

            var create = ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive) { Compression = compression, Checksum = true, Force = replacing }, null, CancellationToken.None);
            var finished = await Task.WhenAny(create, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == create, $"with {free} bytes free the run did not end within a minute");
            File.Delete(filler);
            if (create.IsCompletedSuccessfully)
            {
                succeeded++;
                var test = Archives.Test(archive);
                Assert.True(test.IsValid && test.ChecksumFileMatched == true, $"with {free} bytes free the archive written does not verify: {string.Join("; ", test.Problems)}");
                Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(archive));
                File.Delete(archive);
                File.Delete(archive + ".sha256");
                if (replacing)
                {
                    File.WriteAllBytes(archive, previous!);
                    File.WriteAllText(archive + ".sha256", previousChecksum);
                }
            }
            else
            {
                failed++;
                var error = await Assert.ThrowsAsync<BackupException>(() => create);
                Assert.Equal(Errors.DestinationFull.Id, error.ErrorId);
                Assert.Contains(volume.Path, error.Message);
                Assert.Empty(Archives.Temporaries(volume.Path));
                if (replacing)
                {
                    Assert.Equal(previous, File.ReadAllBytes(archive));
                    Assert.Equal(previousChecksum, File.ReadAllText(archive + ".sha256"));
                }
                else
                {
                    Assert.False(File.Exists(archive), $"with {free} bytes free an archive was left under the final name");
                    Assert.False(File.Exists(archive + ".sha256"));
                }
            }

            Assert.Empty(Archives.Temporaries(volume.Path));
            Assert.Empty(OpenFilesBelow(volume.Path));
        }

        Assert.True(succeeded > 0 && failed > 2, $"{succeeded} runs succeeded and {failed} failed: the sweep did not cover both outcomes");
    }

    /// <summary>What this process still holds open below a folder.</summary>
    private static string[] OpenFilesBelow(string folder) =>
        Directory.GetFileSystemEntries("/proc/self/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
            .OfType<string>()
            .Where(target => target.StartsWith(folder + "/", StringComparison.Ordinal))
            .ToArray();
}
