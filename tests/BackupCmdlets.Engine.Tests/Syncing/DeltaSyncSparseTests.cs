using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>-Sparse keeps holes as holes, judged against what rsync -S makes of the same files.</summary>
public sealed class DeltaSyncSparseTests : IDisposable
{
    private const long MiB = 1 << 20;

    private readonly TempDirectory _temp = new("bkc-sync-");

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    private string Reference => _temp.Combine("rsync");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Holes_and_runs_of_zeros_take_no_blocks_in_the_mirror_as_with_rsync_S()
    {
        _temp.CreateDirectory("src");
        string holes = Path.Combine(Source, "holes.img");
        WriteAt(holes, 48 * MiB, (0, 64 << 10), (16 * MiB, 128 << 10), (48 * MiB - 4096, 4096));
        string zeros = Path.Combine(Source, "zeros.bin");
        File.WriteAllBytes(zeros, new byte[8 * MiB]);
        WriteAt(zeros, 8 * MiB, (4 * MiB, 4096));
        string small = _temp.WriteFile("src/small.txt", "not sparse at all");

        var result = Sync(Source, Destination, r => r with { Sparse = true });

        Assert.True(result.Complete, string.Join("; ", result.Problems));
        RsyncSparse();
        AssertSameAndNoMoreBlocksThanRsync("holes.img", "zeros.bin", "small.txt");
        Assert.True(Blocks(Path.Combine(Destination, "holes.img")) < Blocks(holes) + 16, "the holes of holes.img were filled");
        AssertMirror(Source, Destination);

        // A changed large file goes as a block delta; its holes stay holes too.
        WriteAt(holes, 48 * MiB, (32 * MiB, 64 << 10));
        SetTime(holes, 1_700_000_000, 5);
        var update = Sync(Source, Destination, r => r with { Sparse = true });

        Assert.True(update.Complete, string.Join("; ", update.Problems));
        Assert.Equal(1, update.Updated);
        RsyncSparse();
        AssertSameAndNoMoreBlocksThanRsync("holes.img");
        AssertMirror(Source, Destination);
    }

    private void AssertSameAndNoMoreBlocksThanRsync(params string[] names)
    {
        foreach (string name in names)
        {
            string ours = Path.Combine(Destination, name);
            string theirs = Path.Combine(Reference, name);
            Assert.Equal(Hash(theirs), Hash(ours));
            Assert.True(Blocks(ours) <= Blocks(theirs), $"{name}: {Blocks(ours)} blocks in our mirror, {Blocks(theirs)} with rsync -S");
        }
    }

    private void RsyncSparse() =>
        ExternalTool.Run("rsync", "-aS", "--delete", Source + "/", Reference + "/").EnsureSuccess("rsync -aS");

    private static long Blocks(string path) =>
        long.Parse(ExternalTool.Run("stat", "-c", "%b", path).EnsureSuccess("stat").StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Makes <paramref name="path"/> <paramref name="size"/> bytes long (holes where nothing was written) and writes random data at the given ranges.</summary>
    private static void WriteAt(string path, long size, params (long Offset, int Length)[] ranges)
    {
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
        file.SetLength(size);
        var random = new Random((int)size);
        foreach (var (offset, length) in ranges)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            file.Position = offset;
            file.Write(data);
        }
    }
}
