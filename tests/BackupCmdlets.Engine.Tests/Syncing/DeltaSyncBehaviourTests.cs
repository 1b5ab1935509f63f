using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

public sealed class DeltaSyncBehaviourTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-");

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void First_sync_copies_files_folders_symlinks_fifos_permissions_and_nanosecond_times()
    {
        _temp.WriteFile("src/docs/readme.txt", "hello");
        _temp.WriteFile("src/docs/deep/data.bin", new byte[70_000]);
        _temp.CreateDirectory("src/empty");
        File.CreateSymbolicLink(_temp.Combine("src/docs/link"), "deep/data.bin");
        File.CreateSymbolicLink(_temp.Combine("src/dangling"), "/nowhere/at/all");
        ExternalTool.Run("mkfifo", _temp.Combine("src/pipe")).EnsureSuccess("mkfifo");
        UnixFileSystem.SetPermissions(_temp.Combine("src/docs/readme.txt"), 0x1E0); // rwxr-----
        UnixFileSystem.SetPermissions(_temp.Combine("src/docs/deep"), 0x16D); // r-xr-xr-x: set only after its contents
        SetTime(_temp.Combine("src/docs/readme.txt"), 1_600_000_000, 123_456_789);
        SetTime(_temp.Combine("src/docs"), 1_500_000_000, 987_654_321);

        var result = Sync(Source, Destination);

        Assert.True(result.Complete);
        Assert.False(result.DryRun);
        Assert.Equal(8, result.ItemsScanned);
        Assert.Equal(8, result.Created);
        Assert.Equal(5 + 70_000, result.BytesCopied);
        AssertMirror(Source, Destination);
        var copied = UnixFileSystem.Lstat(_temp.Combine("dst/docs/readme.txt"));
        Assert.Equal(new UnixTime(1_600_000_000, 123_456_789), copied.ModifiedTime);
        Assert.Equal(0x1E0, copied.Permissions);
        Assert.Equal(new UnixTime(1_500_000_000, 987_654_321), UnixFileSystem.Lstat(_temp.Combine("dst/docs")).ModifiedTime);
        Assert.Equal("deep/data.bin", UnixFileSystem.ReadLink(_temp.Combine("dst/docs/link")));
        Assert.Equal(FileKind.Fifo, UnixFileSystem.Lstat(_temp.Combine("dst/pipe")).Kind);
        Assert.True(Directory.Exists(_temp.Combine("dst/empty")));
    }

    [Fact]
    public void Second_sync_without_changes_changes_nothing()
    {
        _temp.WriteFile("src/a/one.txt", "1");
        _temp.WriteFile("src/b/two.txt", "22");
        SetTime(_temp.Combine("src/a/one.txt"), 1_000_000_000);
        SetTime(_temp.Combine("src/b/two.txt"), 1_000_000_000);
        Sync(Source, Destination);
        var before = Snapshot(Destination);

        var again = Sync(Source, Destination);

        Assert.Empty(again.Changes);
        Assert.Equal(4, again.Unchanged);
        Assert.Equal(0, again.BytesCopied);
        Assert.Equal(before, Snapshot(Destination));
    }

    [Fact]
    public void Changes_are_found_by_size_and_time_and_metadata_only_changes_copy_no_data()
    {
        string file = _temp.WriteFile("src/f.txt", "version one");
        string other = _temp.WriteFile("src/g.txt", "same size A");
        string mode = _temp.WriteFile("src/mode.txt", "mode");
        foreach (string path in new[] { file, other, mode })
        {
            SetTime(path, 1_200_000_000);
        }

        Sync(Source, Destination);
        File.WriteAllText(file, "version two, longer");
        File.WriteAllText(other, "same size B");
        SetTime(file, 1_200_000_000);
        SetTime(other, 1_200_000_001);
        UnixFileSystem.SetPermissions(mode, 0x180);

        var result = Sync(Source, Destination, r => r with { });

        var reasons = result.Changes.Where(c => c.ItemType == FileKind.File).ToDictionary(c => c.Path, c => c.Reason);
        Assert.Equal(SyncReason.Size, reasons["f.txt"]);
        Assert.Equal(SyncReason.Time, reasons["g.txt"]);
        Assert.Equal(SyncReason.Metadata, reasons["mode.txt"]);
        Assert.Equal(0, result.Changes.Single(c => c.Path == "mode.txt").Bytes);
        AssertMirror(Source, Destination, checksum: true);
    }

    [Fact]
    public void Checksum_finds_a_change_that_kept_size_and_time()
    {
        string file = _temp.WriteFile("src/f.txt", "AAAA");
        SetTime(file, 1_300_000_000);
        Sync(Source, Destination);
        File.WriteAllText(file, "BBBB");
        SetTime(file, 1_300_000_000);

        Assert.Empty(Sync(Source, Destination).Changes);
        var result = Sync(Source, Destination, r => r with { Checksum = true });

        Assert.Equal(SyncReason.Content, Assert.Single(result.Changes).Reason);
        Assert.Equal("BBBB", File.ReadAllText(_temp.Combine("dst/f.txt")));
        AssertMirror(Source, Destination, checksum: true);
    }

    [Fact]
    public void A_file_rewritten_in_the_same_timestamp_tick_is_found_by_the_racy_check()
    {
        string file = _temp.WriteFile("src/hot.txt", "first");
        Sync(Source, Destination);
        // The state a sync leaves when the file is written again within the tick of its copy: same
        // size, same time stamp on both sides, other contents. Only the racy check can see it.
        File.WriteAllText(file, "secnd");
        var tick = UnixTime.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMilliseconds(200)); // fresh for certain, however slow the machine
        UnixFileSystem.SetModifiedTime(file, tick);
        UnixFileSystem.SetModifiedTime(_temp.Combine("dst/hot.txt"), tick);

        var result = Sync(Source, Destination);

        Assert.Equal("secnd", File.ReadAllText(_temp.Combine("dst/hot.txt")));
        Assert.Equal(tick, UnixFileSystem.Lstat(_temp.Combine("dst/hot.txt")).ModifiedTime);
        Assert.Contains(result.Changes, c => c.Path == "hot.txt" && c.Reason == SyncReason.Content);
        AssertMirror(Source, Destination, checksum: true);
    }

    [Fact]
    public void Delete_removes_what_the_source_lost_and_keeps_excluded_entries()
    {
        _temp.WriteFile("src/keep.txt", "k");
        _temp.WriteFile("dst/gone.txt", "g");
        _temp.WriteFile("dst/old/deep/x.txt", "x");
        _temp.WriteFile("dst/cache.tmp", "excluded, so protected");

        var without = Sync(Source, Destination, r => r with { Exclude = ["*.tmp"] });
        Assert.True(File.Exists(_temp.Combine("dst/gone.txt")));
        Assert.Equal(0, without.Deleted);

        var with = Sync(Source, Destination, r => r with { Delete = true, Exclude = ["*.tmp"] });
        Assert.Equal(4, with.Deleted);
        Assert.False(File.Exists(_temp.Combine("dst/gone.txt")));
        Assert.False(Directory.Exists(_temp.Combine("dst/old")));
        Assert.True(File.Exists(_temp.Combine("dst/cache.tmp")));
        AssertMirror(Source, Destination, false, false, "--exclude=*.tmp");

        var excludedToo = Sync(Source, Destination, r => r with { DeleteExcluded = true, Exclude = ["*.tmp"] });
        Assert.Equal(SyncAction.Delete, Assert.Single(excludedToo.Changes).Action);
        Assert.False(File.Exists(_temp.Combine("dst/cache.tmp")));
    }

    [Fact]
    public void MaxDelete_refuses_and_changes_nothing_when_more_would_be_deleted()
    {
        for (int i = 0; i < 5; i++)
        {
            _temp.WriteFile($"dst/file{i}.txt", "precious");
        }

        _temp.CreateDirectory("src");
        _temp.WriteFile("src/new.txt", "n");
        // Changes that could otherwise start while the scan runs must wait for the -MaxDelete check too.
        _temp.WriteFile("dst/changed.txt", "old");
        _temp.WriteFile("src/changed.txt", "new contents");
        var before = Snapshot(Destination);

        var error = Assert.Throws<BackupException>(() => Sync(Source, Destination, r => r with { Delete = true, MaxDelete = 4 }));

        Assert.Equal(Errors.SyncMaxDeleteExceeded.Id, error.ErrorId);
        Assert.Contains("5", error.Message);
        Assert.Equal(before, Snapshot(Destination));
        Assert.Equal(5, Sync(Source, Destination, r => r with { Delete = true, MaxDelete = 5 }).Deleted);
    }

    [Theory]
    [InlineData("*.log")]
    [InlineData("/top.txt")]
    [InlineData("cache/")]
    [InlineData("a/**/z.txt")]
    [InlineData("**/top.txt")]
    [InlineData("**/cache")]
    [InlineData("**/a/b/c/z.txt")]
    [InlineData("**/sub/*")]
    [InlineData("sub/*")]
    [InlineData("[ab]*.txt")]
    [InlineData("build/***")]
    public void Exclude_patterns_mean_what_they_mean_to_rsync(string pattern)
    {
        foreach (string path in new[] { "top.txt", "x/top.txt", "app.log", "x/y/app.log", "cache/c.txt", "x/cache/c.txt", "cache2/c.txt", "a/z.txt", "a/b/c/z.txt", "sub/s.txt", "sub/deeper/s.txt", "a.txt", "b.txt", "c.txt", "build/o.o", "x/build/o.o" })
        {
            _temp.WriteFile("src/" + path, path);
        }

        _temp.WriteFile("src/cachefile/cache", "a file named cache is no folder");
        Sync(Source, Destination, r => r with { Exclude = [pattern], Delete = true });

        AssertMirror(Source, Destination, false, false, "--exclude=" + pattern);
        Assert.NotEmpty(RsyncPending(Source, Destination));
        // rsync leaves excluded entries in a destination alone, so the check above cannot see one we
        // copied and should not have: rsync's own copy must hold the same entries as ours.
        string byRsync = _temp.Combine("rsync-dst");
        Assert.Equal(0, ExternalTool.Run("rsync", ["-a", "--exclude=" + pattern, Source + "/", byRsync + "/"]).ExitCode);
        Assert.Equal(Snapshot(byRsync).Keys, Snapshot(Destination).Keys);
    }

    [Fact]
    public void Include_rules_win_over_exclude_rules()
    {
        _temp.WriteFile("src/keep.log", "k");
        _temp.WriteFile("src/drop.log", "d");
        _temp.WriteFile("src/other.txt", "o");

        Sync(Source, Destination, r => r with { Include = ["keep.log"], Exclude = ["*.log"] });

        Assert.True(File.Exists(_temp.Combine("dst/keep.log")));
        Assert.False(File.Exists(_temp.Combine("dst/drop.log")));
        AssertMirror(Source, Destination, false, false, "--include=keep.log", "--exclude=*.log");
    }

    [Fact]
    public void Hard_links_stay_hard_links()
    {
        string first = _temp.WriteFile("src/a/first", "shared");
        Directory.CreateDirectory(_temp.Combine("src/b"));
        UnixFileSystem.CreateHardLink(first, _temp.Combine("src/b/second"));
        UnixFileSystem.CreateHardLink(first, _temp.Combine("src/third"));

        var result = Sync(Source, Destination, r => r with { HardLinks = true });

        Assert.Equal(2, result.Changes.Count(c => c.ItemType == FileKind.HardLink));
        var inode = UnixFileSystem.Lstat(_temp.Combine("dst/a/first")).Inode;
        Assert.Equal(inode, UnixFileSystem.Lstat(_temp.Combine("dst/b/second")).Inode);
        Assert.Equal(3, UnixFileSystem.Lstat(_temp.Combine("dst/third")).LinkCount);
        AssertMirror(Source, Destination, hardLinks: true);

        File.AppendAllText(first, " and changed");
        Sync(Source, Destination, r => r with { HardLinks = true });
        AssertMirror(Source, Destination, hardLinks: true, checksum: true);
        Assert.Equal("shared and changed", File.ReadAllText(_temp.Combine("dst/b/second")));
    }

    [Fact]
    public void Large_changed_file_is_sent_as_a_delta_and_shifted_data_is_found()
    {
        var random = new Random(7);
        byte[] original = new byte[8 << 20];
        random.NextBytes(original);
        string file = _temp.WriteFile("src/disk.img", original);
        Sync(Source, Destination);

        // Insert 3 bytes at the front (every block shifts) and overwrite 64 KiB in the middle.
        byte[] changed = [1, 2, 3, .. original];
        random.NextBytes(changed.AsSpan(4 << 20, 64 << 10));
        File.WriteAllBytes(file, changed);

        var result = Sync(Source, Destination);

        var change = Assert.Single(result.Changes);
        Assert.InRange(change.Bytes, 64 << 10, 64 << 10 + 2 * BlockSignature.BlockSizeFor(original.Length) + 3);
        Assert.Equal(changed.Length, change.Bytes + change.BytesReused);
        Assert.Equal(changed, File.ReadAllBytes(_temp.Combine("dst/disk.img")));
        AssertMirror(Source, Destination, checksum: true);
    }

    [Fact]
    public void InPlace_writes_only_changed_blocks_into_the_same_file()
    {
        byte[] original = new byte[4 << 20];
        new Random(3).NextBytes(original);
        string file = _temp.WriteFile("src/data.db", original);
        Sync(Source, Destination);
        ulong inode = UnixFileSystem.Lstat(_temp.Combine("dst/data.db")).Inode;
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.Position = 1 << 20;
            stream.Write(new byte[1000]);
            stream.SetLength((4 << 20) - 5000);
        }

        var result = Sync(Source, Destination, r => r with { InPlace = true });

        var change = Assert.Single(result.Changes);
        int block = BlockSignature.BlockSizeFor(original.Length);
        Assert.InRange(change.Bytes, 1000, 2 * block + 5000);
        Assert.Equal(inode, UnixFileSystem.Lstat(_temp.Combine("dst/data.db")).Inode);
        AssertMirror(Source, Destination, checksum: true);
    }

    [Fact]
    public void Dry_run_lists_the_changes_and_changes_nothing()
    {
        _temp.WriteFile("src/new.txt", "n");
        _temp.WriteFile("dst/old.txt", "o");
        var before = Snapshot(Destination);

        var result = Sync(Source, Destination, r => r with { DryRun = true, Delete = true });

        Assert.True(result.DryRun);
        Assert.Contains(result.Changes, c => c is { Action: SyncAction.Create, Path: "new.txt", Reason: SyncReason.New, Bytes: 1 });
        Assert.Contains(result.Changes, c => c is { Action: SyncAction.Delete, Path: "old.txt", Reason: SyncReason.Deleted });
        Assert.Equal(before, Snapshot(Destination));
    }

    [Fact]
    public void Leftover_temporaries_of_a_killed_run_are_removed()
    {
        _temp.WriteFile("src/file.txt", "f");
        _temp.WriteFile("dst/.file.txt.0123456789ab" + TemporaryName.Suffix, "half-writ");

        var result = Sync(Source, Destination);

        Assert.Contains(result.Changes, c => c.Action == SyncAction.Delete);
        AssertMirror(Source, Destination);
    }

    [Fact]
    public void Owner_and_group_are_kept_as_root()
    {
        if (!UnixFileSystem.IsRoot)
        {
            return; // Giving files away needs root; CI runs as root.
        }

        string file = _temp.WriteFile("src/owned.txt", "o");
        UnixFileSystem.SetOwner(file, 65534, 65534);
        string link = _temp.Combine("src/owned-link");
        File.CreateSymbolicLink(link, "owned.txt");
        UnixFileSystem.SetOwner(link, 1, 1);
        Sync(Source, Destination);
        UnixFileSystem.SetOwner(file, 2, 3);

        var result = Sync(Source, Destination);

        Assert.Equal(SyncReason.Metadata, Assert.Single(result.Changes).Reason);
        var copy = UnixFileSystem.Lstat(_temp.Combine("dst/owned.txt"));
        Assert.Equal((2L, 3L), (copy.UserId, copy.GroupId));
        Assert.Equal(1L, UnixFileSystem.Lstat(_temp.Combine("dst/owned-link")).UserId);
        AssertMirror(Source, Destination);
    }

    [Fact]
    public void Device_files_and_sockets_are_recreated_as_root()
    {
        if (!UnixFileSystem.IsRoot)
        {
            return; // mknod of devices needs root; CI runs as root.
        }

        Directory.CreateDirectory(Source);
        UnixFileSystem.CreateSpecialFile(_temp.Combine("src/null-like"), FileKind.CharacterDevice, 0x1B6, 1, 3);
        UnixFileSystem.CreateSpecialFile(_temp.Combine("src/socket"), FileKind.Socket, 0x1ED, 0, 0);
        Sync(Source, Destination);
        UnixFileSystem.DeleteFile(_temp.Combine("src/null-like"));
        UnixFileSystem.CreateSpecialFile(_temp.Combine("src/null-like"), FileKind.CharacterDevice, 0x1B6, 1, 5);

        var result = Sync(Source, Destination);

        Assert.Equal(SyncReason.Content, Assert.Single(result.Changes, c => c.Path == "null-like").Reason);
        var device = UnixFileSystem.Lstat(_temp.Combine("dst/null-like"));
        Assert.Equal((FileKind.CharacterDevice, 1, 5), (device.Kind, device.DeviceMajor, device.DeviceMinor));
        Assert.Equal(FileKind.Socket, UnixFileSystem.Lstat(_temp.Combine("dst/socket")).Kind);
        AssertMirror(Source, Destination);
    }

    [Fact]
    public void A_file_that_vanishes_during_the_run_is_reported_and_the_run_goes_on()
    {
        for (int i = 0; i < 5; i++)
        {
            _temp.WriteFile($"src/vanishing{i}.txt", "soon gone");
        }

        _temp.WriteFile("src/sub/stays.txt", "here");
        bool deleted = false;
        var progress = new SynchronousProgress(_ =>
        {
            if (!deleted)
            {
                deleted = true;
                for (int i = 0; i < 5; i++)
                {
                    File.Delete(_temp.Combine($"src/vanishing{i}.txt"));
                }
            }
        });

        var result = Sync(Source, Destination, r => r with { ThrottleLimit = 1 }, progress);

        Assert.True(deleted);
        Assert.False(result.Complete);
        Assert.Equal(5, result.Errors);
        Assert.All(result.Problems, p => Assert.Equal(Errors.SyncSourceVanished.Id, p.ErrorId));
        Assert.Equal("here", File.ReadAllText(_temp.Combine("dst/sub/stays.txt")));
        Assert.Empty(Directory.GetFiles(Destination, "*" + TemporaryName.Suffix, SearchOption.AllDirectories));
    }
}
