using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Snapshots;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Snapshots;

/// <summary>
/// What -Snapshot takes it removes, after success, failure and cancellation; what it cannot snapshot
/// whole it refuses before taking anything; and the archive's names are the live ones.
/// </summary>
public sealed class SnapshotLifecycleTests : IDisposable
{
    private readonly BtrfsVolume _volume = new();
    private readonly TempDirectory _out = new();
    private readonly string _subvolume;

    public SnapshotLifecycleTests()
    {
        _subvolume = _volume.CreateSubvolume("data");
        Directory.CreateDirectory(Path.Combine(_subvolume, "docs", "notes"));
        File.WriteAllText(Path.Combine(_subvolume, "docs", "notes", "one.txt"), "one");
        File.WriteAllText(Path.Combine(_subvolume, "top.txt"), "top");
        File.CreateSymbolicLink(Path.Combine(_subvolume, "docs", "link"), "notes/one.txt");
    }

    public void Dispose()
    {
        _volume.Dispose();
        _out.Dispose();
    }

    [Fact]
    public async Task Entries_read_from_a_snapshot_carry_the_names_they_have_in_the_live_tree()
    {
        string archive = _out.Combine("names.tar");
        var result = await Create(new CreateArchiveRequest([Path.Combine(_subvolume, "docs"), Path.Combine(_subvolume, "top.txt")], archive) { RelativeBasePath = _subvolume });

        Assert.Equal(["docs/", "docs/link", "docs/notes/", "docs/notes/one.txt", "top.txt"], TarNames(archive));
        Assert.EndsWith("docs/link -> notes/one.txt", ExternalTool.Run("tar", "-tvf", archive, "docs/link").EnsureSuccess("tar -tv").StandardOutput.Trim());
        Assert.Single(result.Snapshots);
        Assert.Equal(["data"], _volume.Subvolumes());
    }

    [Fact]
    public async Task The_subvolume_root_itself_is_archived_without_other_runs_snapshots()
    {
        string others = Path.Combine(_subvolume, BtrfsSnapshotProvider.SnapshotPrefix + "another-run");
        ExternalTool.Run("btrfs", "subvolume", "snapshot", "-r", _subvolume, others).EnsureSuccess("a snapshot of another run");
        string archive = _out.Combine("root.tar");

        await Create(new CreateArchiveRequest([_subvolume], archive) { RelativeBasePath = _volume.MountPoint });

        Assert.Equal(["data/", "data/docs/", "data/docs/link", "data/docs/notes/", "data/docs/notes/one.txt", "data/top.txt"], TarNames(archive));
        Assert.True(Directory.Exists(others), "another run's snapshot was removed");
        Assert.Equal(["data", "data/" + Path.GetFileName(others)], _volume.Subvolumes());
    }

    [Fact]
    public async Task Sources_on_two_subvolumes_are_read_from_two_snapshots_taken_one_after_the_other()
    {
        string second = _volume.CreateSubvolume("second");
        File.WriteAllText(Path.Combine(second, "two.txt"), "two");
        string archive = _out.Combine("two.tar");

        var result = await Create(new CreateArchiveRequest([Path.Combine(_subvolume, "top.txt"), second], archive) { RelativeBasePath = _volume.MountPoint });

        Assert.Equal([_subvolume, second], result.Snapshots.Select(s => s.Volume));
        Assert.True(result.Snapshots[0].TakenAt <= result.Snapshots[1].TakenAt);
        Assert.Equal(["data/top.txt", "second/", "second/two.txt"], TarNames(archive));
        Assert.Equal(["data", "second"], _volume.Subvolumes());
    }

    [Fact]
    public async Task Incremental_archives_read_from_snapshots_store_only_what_changed()
    {
        string snar = _out.Combine("docs.snar");
        var request = new CreateArchiveRequest([Path.Combine(_subvolume, "docs")], _out.Combine("level0.tar")) { RelativeBasePath = _subvolume, SnapshotPath = snar };
        await Create(request);
        File.WriteAllText(Path.Combine(_subvolume, "docs", "notes", "two.txt"), "two");
        _volume.CreateSubvolume("takes-the-freed-device-number");

        var level1 = await Create(request with { DestinationPath = _out.Combine("level1.tar") });

        Assert.True(level1.Incremental);
        var files = TarNames(level1.Path).Where(n => !n.EndsWith('/')).ToArray();
        Assert.Equal(["docs/notes/two.txt"], files);
        Assert.Equal(["data", "takes-the-freed-device-number"], _volume.Subvolumes());
    }

    [Fact]
    public async Task A_run_that_fails_after_the_snapshot_was_taken_removes_it()
    {
        var request = new CreateArchiveRequest([_subvolume], Path.Combine(_out.Path, "missing-folder", "a.tar"));

        var error = await Assert.ThrowsAsync<BackupException>(() => Create(request));

        Assert.Equal(Errors.DestinationFolderNotFound.Id, error.Error.Id);
        Assert.Equal(["data"], _volume.Subvolumes());
    }

    [Fact]
    public async Task A_cancelled_run_removes_its_snapshot_every_time()
    {
        var big = new byte[4 << 20];
        new Random(3).NextBytes(big);
        for (int i = 0; i < 16; i++)
        {
            File.WriteAllBytes(Path.Combine(_subvolume, $"big{i}.bin"), big);
        }

        for (int run = 0; run < 5; run++)
        {
            using var cancel = new CancellationTokenSource();
            var progress = new SynchronousProgress(_ => cancel.Cancel());
            var request = new CreateArchiveRequest([_subvolume], _out.Combine($"cancelled{run}.tar.gz")) { Snapshot = true, ThrottleLimit = 1 };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BackupEngine.NewTarArchiveAsync(request, progress, cancel.Token));

            Assert.Equal(["data"], _volume.Subvolumes());
            Assert.False(File.Exists(request.DestinationPath));
        }
    }

    [Fact]
    public async Task A_mirror_that_fails_removes_its_snapshot()
    {
        string destination = _out.Combine("not-a-folder");
        File.WriteAllText(destination, "a file");

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            BackupEngine.InvokeDeltaSyncAsync(new SyncRequest(_subvolume, destination) { Snapshot = true }, null, CancellationToken.None));

        Assert.Equal(Errors.SyncDestinationNotDirectory.Id, error.Error.Id);
        Assert.Equal(["data"], _volume.Subvolumes());
    }

    [Fact]
    public async Task A_source_holding_a_nested_subvolume_is_refused_before_any_snapshot_is_taken()
    {
        _volume.CreateSubvolume("data/docs/nested");

        var error = await Assert.ThrowsAsync<BackupException>(() => Create(new CreateArchiveRequest([Path.Combine(_subvolume, "docs")], _out.Combine("nested.tar"))));

        Assert.Equal(Errors.SnapshotNestedVolume.Id, error.Error.Id);
        Assert.Contains(Path.Combine(_subvolume, "docs", "nested"), error.Message);
        Assert.Equal(["data", "data/docs/nested"], _volume.Subvolumes());
    }

    [Fact]
    public async Task A_source_holding_a_mount_point_is_refused_before_any_snapshot_is_taken()
    {
        string mountPoint = Directory.CreateDirectory(Path.Combine(_subvolume, "docs", "mounted")).FullName;
        ExternalTool.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint).EnsureSuccess("mounting a tmpfs");
        try
        {
            var error = await Assert.ThrowsAsync<BackupException>(() => Create(new CreateArchiveRequest([_subvolume], _out.Combine("mounted.tar"))));

            Assert.Equal(Errors.SnapshotNestedVolume.Id, error.Error.Id);
            Assert.Contains(mountPoint, error.Message);
            Assert.Equal(["data"], _volume.Subvolumes());
        }
        finally
        {
            ExternalTool.Run("umount", mountPoint).EnsureSuccess("unmounting the tmpfs");
        }
    }

    [Fact]
    public async Task A_source_on_a_file_system_without_snapshots_is_refused_with_its_name()
    {
        using var plain = new TempDirectory();
        plain.WriteFile("a.txt", "a");
        string fileSystem = ExternalTool.Run("stat", "-f", "-c", "%T", plain.Path).StandardOutput.Trim();

        var error = await Assert.ThrowsAsync<BackupException>(() => Create(new CreateArchiveRequest([plain.Path], _out.Combine("plain.tar"))));

        Assert.Equal(Errors.SnapshotNotSupported.Id, error.Error.Id);
        Assert.Contains(fileSystem == "ext2/ext3" ? "ext4" : fileSystem, error.Message);
        Assert.False(File.Exists(_out.Combine("plain.tar")));
    }

    private static Task<ArchiveResult> Create(CreateArchiveRequest request) =>
        BackupEngine.NewTarArchiveAsync(request with { Snapshot = true }, null, CancellationToken.None);

    private static string[] TarNames(string archive) =>
        ExternalTool.Run("tar", "-tf", archive).EnsureSuccess("tar -t").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
}
