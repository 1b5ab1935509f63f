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
    public async Task AVolumeThatFillsUpAtTheFirstChunkFailsTheRunAndLeavesNothing(ArchiveCompression compression)
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
        var error = await Assert.ThrowsAnyAsync<IOException>(() => create);
        Assert.Contains("space", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.EnumerateFileSystemEntries(volume.Path));
    }
}
