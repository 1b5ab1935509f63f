using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Snapshots;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Snapshots;

/// <summary>
/// -Snapshot gives one point in time while an application writes: the pair of files that are
/// consistent at every instant is consistent in every archive and mirror taken with it, and torn
/// without it (which proves the test can see a torn pair).
/// </summary>
public sealed class SnapshotConsistencyTests : IDisposable
{
    private const int Runs = 8;
    private readonly BtrfsVolume _volume = new();
    private readonly TempDirectory _out = new();
    private readonly string _subvolume;

    public SnapshotConsistencyTests()
    {
        _subvolume = _volume.CreateSubvolume("data");
    }

    public void Dispose()
    {
        _volume.Dispose();
        _out.Dispose();
    }

    [Fact]
    public async Task Every_archive_taken_with_Snapshot_holds_a_consistent_pair_while_the_files_are_rewritten()
    {
        using var writer = new ConsistentPairWriter(Path.Combine(_subvolume, "app"), Path.Combine(_subvolume, "staging"));
        for (int run = 0; run < Runs; run++)
        {
            var result = await Archive(snapshot: true, run);
            var (a, z) = PairIn(result.Path);
            Assert.True(a is { } av && z is { } zv && ConsistentPairWriter.IsConsistent(av, zv), $"run {run}: a.txt {a}, z.txt {z} were never on disk together");
            Assert.True(result.Complete, string.Join("; ", result.Problems));
            var snapshot = Assert.Single(result.Snapshots);
            Assert.Equal(SnapshotProvider.Btrfs, snapshot.Provider);
            Assert.Equal(_subvolume, snapshot.Volume);
        }

        Assert.True(writer.Rounds > Runs, "the writer barely ran");
        Assert.Equal(["data"], _volume.Subvolumes());
    }

    [Fact]
    public async Task Without_Snapshot_the_same_writer_tears_the_pair_in_an_archive()
    {
        using var writer = new ConsistentPairWriter(Path.Combine(_subvolume, "app"), Path.Combine(_subvolume, "staging"));
        int torn = 0;
        for (int run = 0; run < Runs; run++)
        {
            var (a, z) = PairIn((await Archive(snapshot: false, run)).Path);
            torn += a is { } av && z is { } zv && ConsistentPairWriter.IsConsistent(av, zv) ? 0 : 1;
        }

        Assert.True(torn > 0, "every archive read without a snapshot held a consistent pair: the consistency test above could not fail");
    }

    [Fact]
    public async Task Every_mirror_made_with_Snapshot_holds_a_consistent_pair_while_the_files_are_rewritten()
    {
        using var writer = new ConsistentPairWriter(Path.Combine(_subvolume, "app"), Path.Combine(_subvolume, "staging"));
        string mirror = _out.Combine("mirror");
        for (int run = 0; run < Runs; run++)
        {
            var result = await BackupEngine.InvokeDeltaSyncAsync(
                new SyncRequest(Path.Combine(_subvolume, "app"), mirror) { Snapshot = true, Delete = true }, null, CancellationToken.None);
            long a = long.Parse(File.ReadAllText(Path.Combine(mirror, "a.txt")));
            long z = long.Parse(File.ReadAllText(Path.Combine(mirror, "z.txt")));
            Assert.True(ConsistentPairWriter.IsConsistent(a, z), $"run {run}: a.txt {a}, z.txt {z} were never on disk together");
            Assert.Equal(Path.Combine(_subvolume, "app"), result.SourcePath);
            Assert.True(result.Complete, string.Join("; ", result.Problems));
            Assert.Single(result.Snapshots);
        }

        Assert.Equal(["data"], _volume.Subvolumes());
    }

    private Task<ArchiveResult> Archive(bool snapshot, int run)
    {
        var request = new CreateArchiveRequest([Path.Combine(_subvolume, "app")], _out.Combine($"run{run}.tar"))
        {
            Snapshot = snapshot,
            RelativeBasePath = _subvolume,
        };
        return BackupEngine.NewTarArchiveAsync(request, null, CancellationToken.None);
    }

    /// <summary>The two numbers as GNU tar extracts them from the archive; null for a file the archive lacks (a live read may leave out a file replaced under it).</summary>
    private static (long? A, long? Z) PairIn(string archive)
    {
        long? Read(string name) => ExternalTool.Run("tar", "-xOf", archive, name) is { ExitCode: 0 } result ? long.Parse(result.StandardOutput) : null;
        return (Read("app/a.txt"), Read("app/z.txt"));
    }
}
