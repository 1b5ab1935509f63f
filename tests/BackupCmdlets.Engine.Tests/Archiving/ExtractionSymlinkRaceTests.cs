using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Symlinks re-pointed while an archive is extracted, by entries of the archive itself or by another
/// thread, never lead a write, a mode, a time or an owner outside the destination: with or without
/// Force, whatever the entry type, and whichever thread does the work. Race cases run many times.
/// </summary>
public sealed class ExtractionSymlinkRaceTests : IDisposable
{
    private const int Folders = 12;
    private readonly TempDirectory _temp = new();
    private readonly string _outside;
    private readonly TreeSnapshot _outsideBefore;

    public ExtractionSymlinkRaceTests()
    {
        _outside = _temp.CreateDirectory("outside");
        for (int i = 0; i < Folders; i++)
        {
            string folder = _temp.CreateDirectory($"outside/s{i}");
            File.WriteAllText(Path.Combine(folder, "f0.txt"), "precious");
            UnixFileSystem.SetModifiedTime(Path.Combine(folder, "f0.txt"), new UnixTime(1_500_000_000, 5));
            UnixFileSystem.SetPermissions(folder, 0x1C0);
            UnixFileSystem.SetModifiedTime(folder, new UnixTime(1_500_000_000, 7));
        }

        UnixFileSystem.SetPermissions(_outside, 0x1C0);
        UnixFileSystem.SetModifiedTime(_outside, new UnixTime(1_500_000_000, 9));
        _outsideBefore = TreeSnapshot.Take(_outside);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void No_entry_of_any_type_follows_a_link_chain_repointed_mid_archive(bool absolute)
    {
        string outsideTarget = absolute ? _outside : "../outside";
        string archive = new CraftedTar()
            .Directory("sub")
            .Symlink("e", "sub")
            .Symlink("d", "e")
            .File("d/first.txt", "first")
            .Symlink("e", outsideTarget)
            .File("d/small.txt", "small")
            .File("d/big.bin", new byte[(1 << 20) + 5])
            .File("d/s0/f0.txt", "replaced")
            .Directory("d/newdir")
            .Directory("d/s1", 0x1FF)
            .Symlink("d/newlink", "anywhere")
            .HardLink("d/newhard", "sub/first.txt")
            .Fifo("d/newfifo")
            .HardLink("hard-from-outside", "d/s2/f0.txt")
            .File("after.txt", "after")
            .Save(_temp.Combine("chain.tar"));

        var result = Archives.Expand(archive, _temp.Combine("dest"), force: true);

        _outsideBefore.AssertUnchangedIn(TreeSnapshot.Take(_outside), "the folder outside the destination changed");
        Assert.Equal("first", File.ReadAllText(_temp.Combine("dest", "sub", "first.txt")));
        Assert.Equal("after", File.ReadAllText(_temp.Combine("dest", "after.txt")));
        Assert.Equal(9, result.Problems.Count(p => p.ErrorId == Errors.SymlinkEscape.Id));
        Assert.Equal(9, result.Problems.Count);
    }

    [Fact]
    public void Files_queued_for_background_writers_land_in_the_folder_that_was_checked()
    {
        var tar = new CraftedTar().Directory("sub").Symlink("d", "sub");
        for (int i = 0; i < 200; i++)
        {
            tar.File($"d/f{i:D3}.txt", $"file {i}");
        }

        string archive = tar.Symlink("d", _outside).File("after.txt", "after").Save(_temp.Combine("queued.tar"));
        for (int run = 0; run < 25; run++)
        {
            string destination = _temp.Combine($"dest{run}");

            var result = Archives.Expand(archive, destination, force: true);

            _outsideBefore.AssertUnchangedIn(TreeSnapshot.Take(_outside), $"run {run}: the folder outside the destination changed");
            Assert.True(result.Complete, string.Join("\n", result.Problems));
            for (int i = 0; i < 200; i++)
            {
                Assert.Equal($"file {i}", File.ReadAllText(Path.Combine(destination, "sub", $"f{i:D3}.txt")));
            }
        }
    }

    [Fact]
    public void Folder_modes_and_times_set_at_the_end_never_reach_a_folder_outside()
    {
        string archive = new CraftedTar()
            .Directory("real")
            .Symlink("d", "real")
            .Directory("d/s0", 0x1FF)
            .File("d/s0/inside.txt", "inside")
            .Symlink("d", _outside)
            .Save(_temp.Combine("modes.tar"));

        var result = Archives.Expand(archive, _temp.Combine("dest"), force: true);

        _outsideBefore.AssertUnchangedIn(TreeSnapshot.Take(_outside), "the folder outside the destination changed");
        Assert.True(result.Complete, string.Join("\n", result.Problems));
        var restored = UnixFileSystem.Lstat(_temp.Combine("dest", "real", "s0"));
        Assert.Equal(0x1FF, restored.Permissions);
        Assert.Equal(new UnixTime(1_600_000_000, 0), restored.ModifiedTime);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Another_thread_swapping_a_symlink_never_leads_an_entry_outside(bool force)
    {
        var tar = new CraftedTar();
        for (int i = 0; i < Folders; i++)
        {
            tar.Directory($"d/s{i}", 0x1FF, uid: 1234, gid: 5678)
                .File($"d/s{i}/f0.txt", "extracted", uid: 1234, gid: 5678)
                .File($"d/s{i}/f1.txt", "extracted")
                .Symlink($"d/s{i}/link", "f0.txt")
                .Fifo($"d/s{i}/pipe", uid: 1234, gid: 5678)
                .HardLink($"d/s{i}/hard", $"d/s{i}/f1.txt");
        }

        string archive = tar.File("d/big.bin", new byte[(1 << 20) + 5]).Save(_temp.Combine("swapped.tar"));
        var unexpected = new List<ItemProblem>();
        int escapesRefused = 0;
        long swaps = 0;
        for (int run = 0; run < 30; run++)
        {
            string destination = _temp.Combine($"dest{run}");
            string inside = Directory.CreateDirectory(Path.Combine(destination, "inside")).FullName;
            string link = Path.Combine(destination, "d");
            File.CreateSymbolicLink(link, "inside");
            using var attacker = new SymlinkSwapper(link, [_outside, "inside", "../outside"]);

            var result = Archives.Expand(archive, destination, force: force, preserveOwner: true);

            attacker.Stop();
            _outsideBefore.AssertUnchangedIn(TreeSnapshot.Take(_outside), $"run {run}: the folder outside the destination changed");
            unexpected.AddRange(result.Problems.Where(p => p.ErrorId is not (nameof(Errors.SymlinkEscape) or nameof(Errors.HardLinkTargetMissing))));
            escapesRefused += result.Problems.Count(p => p.ErrorId == Errors.SymlinkEscape.Id);
            swaps += attacker.Swaps;
        }

        Assert.Empty(unexpected);
        Assert.True(swaps > 30 * 20, $"the attacker swapped the link only {swaps} times in 30 runs");
        Assert.True(escapesRefused > 0, "the attacker never had the link pointing outside when an entry was resolved");
    }

    /// <summary>A thread that re-points a symlink, atomically (symlink + rename), as fast as it can until stopped.</summary>
    private sealed class SymlinkSwapper : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private int _swaps;

        public SymlinkSwapper(string link, string[] targets)
        {
            string spare = link + ".swap";
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    UnixFileSystem.CreateSymbolicLink(targets[_swaps % targets.Length], spare);
                    UnixFileSystem.Rename(spare, link, replace: true);
                    Interlocked.Increment(ref _swaps);
                }
            })
            { IsBackground = true };
            _thread.Start();
            SpinWait.SpinUntil(() => Swaps > 0);
        }

        public int Swaps => Volatile.Read(ref _swaps);

        public void Stop()
        {
            _stop = true;
            _thread.Join();
        }

        public void Dispose() => Stop();
    }
}
