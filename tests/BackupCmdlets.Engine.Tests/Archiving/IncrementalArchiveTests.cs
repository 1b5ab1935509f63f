using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Listed-incremental archives (GNU tar's --listed-incremental), judged by GNU tar both ways: chains we
/// write over random trees and random changes restore with GNU tar to the last level, chains GNU tar
/// writes restore with ours, and snapshot files carry a chain from one tool to the other.
/// </summary>
public sealed class IncrementalArchiveTests : IDisposable
{
    private const int Levels = 4;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_chain_we_write_over_random_changes_is_restored_by_GNU_tar_and_by_us_to_the_last_level(int seed)
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), seed);
        tree.CreateTree();
        string snapshot = _temp.Combine("snapshot");
        var archives = new List<string>();
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
            {
                tree.Change(8);
            }

            string archive = _temp.Combine($"level{level}.tar");
            var result = CreateLevel(tree.Root, archive, snapshot);
            Assert.True(result.Complete, string.Join("\n", result.Problems));
            Assert.Equal(level > 0, result.Incremental);
            archives.Add(archive);
        }

        Assert.True(
            Archives.List(archives[^1]).Items.Count(i => i.Type == TarEntryType.File) < Directory.EnumerateFiles(tree.Root, "*", SearchOption.AllDirectories).Count(),
            "the last level stores every file, not only those changed");
        string gnu = _temp.CreateDirectory("gnu");
        string ours = _temp.CreateDirectory("ours");
        foreach (string archive in archives)
        {
            ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", archive, "-C", gnu).EnsureSuccess("tar -x of " + archive);
            var expanded = ExpandIncremental(archive, ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(tree.Root, gnu);
        TreeAssert.Identical(tree.Root, ours);
    }

    [Theory]
    [InlineData(ArchiveCompression.GZip)]
    [InlineData(ArchiveCompression.Zstd)]
    public void A_compressed_chain_we_write_is_restored_by_GNU_tar_and_by_us(ArchiveCompression compression)
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), 41);
        tree.CreateTree();
        string snapshot = _temp.Combine("snapshot");
        string gnu = _temp.CreateDirectory("gnu");
        string ours = _temp.CreateDirectory("ours");
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
            {
                tree.Change(8);
            }

            string archive = _temp.Combine($"level{level}{Archives.Suffix(compression)}");
            Assert.True(CreateLevel(tree.Root, archive, snapshot).Complete);
            ExternalTool.Run("tar", "--listed-incremental=/dev/null", compression == ArchiveCompression.GZip ? "-z" : "--zstd", "-xf", archive, "-C", gnu).EnsureSuccess("tar -x of " + archive);
            Assert.True(ExpandIncremental(archive, ours).Complete);
        }

        TreeAssert.Identical(tree.Root, gnu);
        TreeAssert.Identical(tree.Root, ours);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_chain_GNU_tar_writes_over_random_changes_is_restored_by_us_to_the_last_level(int seed)
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), seed);
        tree.CreateTree();
        string snapshot = _temp.Combine("gnu.snar");
        string ours = _temp.CreateDirectory("ours");
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
            {
                tree.Change(8);
            }

            string archive = _temp.Combine($"gnu{level}.tar");
            ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", archive, "-C", tree.Root, ".").EnsureSuccess("tar --listed-incremental -c");
            var test = Archives.Test(archive);
            Assert.True(test.IsValid, string.Join("\n", test.Problems));
            var expanded = ExpandIncremental(archive, ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(tree.Root, ours);
    }

    [Fact]
    public void A_chain_GNU_tar_writes_in_pax_format_keeps_its_dumpdirs_in_records_and_is_restored_by_us()
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), 31);
        tree.CreateTree();
        string snapshot = _temp.Combine("gnu.snar");
        string ours = _temp.CreateDirectory("ours");
        for (int level = 0; level < Levels; level++)
        {
            if (level > 0)
            {
                tree.Change(8);
            }

            string archive = _temp.Combine($"gnu{level}.tar");
            ExternalTool.Run("tar", "--format=posix", $"--listed-incremental={snapshot}", "-cf", archive, "-C", tree.Root, ".").EnsureSuccess("tar --format=posix --listed-incremental -c");
            Assert.Equal(TarEntryType.DumpDirectory, Archives.List(archive).Items[0].Type);
            var expanded = ExpandIncremental(archive, ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(tree.Root, ours);
    }

    [Fact]
    public void Folders_with_names_longer_than_a_tar_header_holds_get_dumpdirs_GNU_tar_applies()
    {
        string deep = _temp.Combine("src", new string('d', 90), new string('e', 90));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "gone"), "removed after level 0");
        File.WriteAllText(Path.Combine(deep, "kept"), "kept");
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot);
        File.Delete(Path.Combine(deep, "gone"));
        CreateLevel(_temp.Combine("src"), _temp.Combine("level1.tar"), snapshot);

        string gnu = _temp.CreateDirectory("gnu");
        foreach (string level in new[] { "level0.tar", "level1.tar" })
        {
            ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine(level), "-C", gnu).EnsureSuccess("tar -x " + level);
        }

        TreeAssert.Identical(_temp.Combine("src"), gnu);
        Assert.Contains(Archives.List(_temp.Combine("level1.tar")).Items, i => i.Type == TarEntryType.DumpDirectory && i.Name.EndsWith(new string('e', 90) + "/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_folder_whose_device_number_changed_is_stored_whole_unless_NoCheckDevice(bool noCheckDevice)
    {
        _temp.WriteFile("src/sub/unchanged", "same");
        _temp.WriteFile("src/top", "same");
        PastTheClockTickOfTheLastWrite();
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot);
        var written = Engine.Archiving.Incremental.SnapshotFile.Parse(File.ReadAllBytes(snapshot), snapshot)!;
        var remounted = written with { Folders = written.Folders.Select(f => f with { Device = f.Device + 1 }).ToList() };
        File.WriteAllBytes(snapshot, remounted.Encode());

        var result = CreateLevel(_temp.Combine("src"), _temp.Combine("level1.tar"), snapshot, noCheckDevice);

        Assert.True(result.Incremental);
        var files = Archives.List(_temp.Combine("level1.tar")).Items.Where(i => i.Type == TarEntryType.File).Select(i => i.Name);
        Assert.Equal(noCheckDevice ? [] : ["./sub/unchanged", "./top"], files);
    }

    [Fact]
    public void A_folder_GNU_tar_records_as_renamed_is_renamed_with_its_unchanged_files()
    {
        _temp.WriteFile("src/old/kept.txt", "unchanged");
        _temp.WriteFile("src/old/deeper/also.txt", "unchanged too");
        string snapshot = _temp.Combine("gnu.snar");
        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu0.tar"), "-C", _temp.Combine("src"), ".").EnsureSuccess("tar level 0");
        Directory.Move(_temp.Combine("src", "old"), _temp.Combine("src", "new"));
        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu1.tar"), "-C", _temp.Combine("src"), ".").EnsureSuccess("tar level 1");

        var root = Archives.List(_temp.Combine("gnu1.tar")).Items.First();
        Assert.Contains(root.DumpDirectory!, n => n.Mark == DumpDirectoryMark.RenamedFrom && n.Name == "./old");
        Assert.DoesNotContain(Archives.List(_temp.Combine("gnu1.tar")).Items, i => i.Name.EndsWith("kept.txt", StringComparison.Ordinal));
        string ours = _temp.CreateDirectory("ours");
        foreach (string level in new[] { "gnu0.tar", "gnu1.tar" })
        {
            var expanded = ExpandIncremental(_temp.Combine(level), ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(_temp.Combine("src"), ours);
    }

    [Fact]
    public void A_file_that_became_a_folder_and_a_folder_that_became_a_file_are_restored_by_both_tools()
    {
        _temp.WriteFile("src/was-file", "a file at level 0");
        _temp.WriteFile("src/was-folder/inner/deep", "a folder at level 0");
        _temp.WriteFile("src/was-symlink-target", "x");
        File.CreateSymbolicLink(_temp.Combine("src", "was-symlink"), "was-symlink-target");
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot);
        File.Delete(_temp.Combine("src", "was-file"));
        _temp.WriteFile("src/was-file/now-inside", "a folder at level 1");
        Directory.Delete(_temp.Combine("src", "was-folder"), recursive: true);
        File.WriteAllText(_temp.Combine("src", "was-folder"), "a file at level 1");
        File.Delete(_temp.Combine("src", "was-symlink"));
        _temp.CreateDirectory("src/was-symlink");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level1.tar"), snapshot);

        string gnu = _temp.CreateDirectory("gnu");
        string ours = _temp.CreateDirectory("ours");
        foreach (string level in new[] { "level0.tar", "level1.tar" })
        {
            ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine(level), "-C", gnu).EnsureSuccess("tar -x " + level);
            var expanded = ExpandIncremental(_temp.Combine(level), ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(_temp.Combine("src"), gnu);
        TreeAssert.Identical(_temp.Combine("src"), ours);
    }

    [Fact]
    public void With_Include_the_destination_keeps_what_the_root_dumpdir_does_not_list()
    {
        string destination = _temp.CreateDirectory("dest");
        _temp.WriteFile("dest/unlisted", "stays: -Include names only conf files");
        string archive = new CraftedTar().DumpDirectory("./", "Ya.conf\0\0").File("./a.conf", "c").Save(_temp.Combine("crafted.tar"));

        var expanded = ExpandIncremental(archive, destination, "*.conf");

        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        Assert.True(File.Exists(Path.Combine(destination, "unlisted")));
        Assert.Equal("c", File.ReadAllText(Path.Combine(destination, "a.conf")));
    }

    [Fact]
    public void Two_folders_GNU_tar_records_as_swapped_by_name_are_swapped_through_a_temporary_folder()
    {
        _temp.WriteFile("src/a/in-a", "A");
        _temp.WriteFile("src/b/in-b", "B");
        string snapshot = _temp.Combine("gnu.snar");
        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu0.tar"), "-C", _temp.Combine("src"), ".").EnsureSuccess("tar level 0");
        Directory.Move(_temp.Combine("src", "a"), _temp.Combine("src", "swap"));
        Directory.Move(_temp.Combine("src", "b"), _temp.Combine("src", "a"));
        Directory.Move(_temp.Combine("src", "swap"), _temp.Combine("src", "b"));
        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu1.tar"), "-C", _temp.Combine("src"), ".").EnsureSuccess("tar level 1");

        Assert.Contains(Archives.List(_temp.Combine("gnu1.tar")).Items[0].DumpDirectory!, n => n.Mark == DumpDirectoryMark.TemporaryFolder);
        string ours = _temp.CreateDirectory("ours");
        foreach (string level in new[] { "gnu0.tar", "gnu1.tar" })
        {
            var expanded = ExpandIncremental(_temp.Combine(level), ours);
            Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        }

        TreeAssert.Identical(_temp.Combine("src"), ours);
    }

    [Fact]
    public void Our_level_1_continues_a_GNU_tar_level_0_from_its_snapshot_file_and_stores_only_the_change()
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), 11);
        tree.CreateTree();
        string snapshot = _temp.Combine("chain.snar");
        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu0.tar"), "-C", tree.Root, ".").EnsureSuccess("tar level 0");
        string changed = _temp.WriteFile("src/changed-after-level-0.txt", "new");

        var result = CreateLevel(tree.Root, _temp.Combine("ours1.tar"), snapshot);

        Assert.True(result.Incremental);
        var files = Archives.List(_temp.Combine("ours1.tar")).Items.Where(i => i.Type == TarEntryType.File).Select(i => i.Name).ToList();
        Assert.Equal(["./" + Path.GetFileName(changed)], files);
        string gnu = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine("gnu0.tar"), "-C", gnu).EnsureSuccess("tar -x level 0");
        ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine("ours1.tar"), "-C", gnu).EnsureSuccess("tar -x level 1");
        TreeAssert.Identical(tree.Root, gnu);
    }

    [Fact]
    public void GNU_tar_continues_our_level_0_from_our_snapshot_file_and_stores_only_the_change()
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), 12);
        tree.CreateTree();
        PastTheClockTickOfTheLastWrite();
        string snapshot = _temp.Combine("chain.snar");
        CreateLevel(tree.Root, _temp.Combine("ours0.tar"), snapshot);
        string changed = _temp.WriteFile("src/changed-after-level-0.txt", "new");

        ExternalTool.Run("tar", $"--listed-incremental={snapshot}", "-cf", _temp.Combine("gnu1.tar"), "-C", tree.Root, ".").EnsureSuccess("tar level 1 from our snapshot file");

        var listed = ExternalTool.Run("tar", "-tf", _temp.Combine("gnu1.tar")).EnsureSuccess("tar -t").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["./" + Path.GetFileName(changed)], listed.Where(n => !n.EndsWith('/')));
        string gnu = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine("ours0.tar"), "-C", gnu).EnsureSuccess("tar -x level 0");
        ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-xf", _temp.Combine("gnu1.tar"), "-C", gnu).EnsureSuccess("tar -x level 1");
        TreeAssert.Identical(tree.Root, gnu);
    }

    [Fact]
    public void Our_snapshot_file_lists_the_folders_as_GNU_tar_writes_them_for_the_same_tree()
    {
        _temp.WriteFile("src/a/f1", "hi");
        _temp.WriteFile("src/top", "x");
        _temp.CreateDirectory("src/a/b");
        CreateLevel(_temp.Combine("src"), _temp.Combine("ours.tar"), _temp.Combine("ours.snar"));
        ExternalTool.Run("tar", $"--listed-incremental={_temp.Combine("gnu.snar")}", "-cf", _temp.Combine("gnu.tar"), "-C", _temp.Combine("src"), ".").EnsureSuccess("tar level 0");

        Assert.Equal(FolderRecords(_temp.Combine("gnu.snar")), FolderRecords(_temp.Combine("ours.snar")));
    }

    [Fact]
    public void A_cancelled_run_leaves_the_snapshot_file_as_it_was()
    {
        var tree = new RandomTreeChanges(_temp.Combine("src"), 21);
        tree.CreateTree();
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(tree.Root, _temp.Combine("level0.tar"), snapshot);
        byte[] before = File.ReadAllBytes(snapshot);
        tree.Change(5);
        _temp.WriteFile("src/one-more", "so that a file is read");
        using var cancel = new CancellationTokenSource();

        var request = new CreateArchiveRequest([tree.Root], _temp.Combine("level1.tar")) { RelativeBasePath = tree.Root, SnapshotPath = snapshot, BeforeFileOpen = _ => cancel.Cancel() };
        Assert.ThrowsAny<OperationCanceledException>(() => ArchiveWriter.CreateAsync(request, null, cancel.Token).GetAwaiter().GetResult());

        Assert.Equal(before, File.ReadAllBytes(snapshot));
        Assert.False(File.Exists(_temp.Combine("level1.tar")));
        Assert.Empty(Archives.Temporaries(_temp.Path));
    }

    [Fact]
    public void A_run_refused_for_its_destination_leaves_the_snapshot_file_as_it_was()
    {
        _temp.WriteFile("src/a", "a");
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot);
        byte[] before = File.ReadAllBytes(snapshot);
        _temp.WriteFile("src/b", "b");

        var error = Assert.Throws<BackupException>(() => CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot));

        Assert.Equal(Errors.ArchiveExists.Id, error.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(snapshot));
    }

    [Fact]
    public void A_file_a_level_could_not_read_is_stored_by_the_next_level_though_it_did_not_change()
    {
        _temp.WriteFile("src/steady", "stored at level 0");
        _temp.WriteFile("src/sub/flaky", "unreadable during level 0");
        PastTheClockTickOfTheLastWrite();
        string snapshot = _temp.Combine("snapshot");
        var request = new CreateArchiveRequest([_temp.Combine("src")], _temp.Combine("level0.tar"))
        {
            RelativeBasePath = _temp.Combine("src"),
            SnapshotPath = snapshot,
            BeforeFileOpen = path =>
            {
                if (path.EndsWith("flaky", StringComparison.Ordinal))
                {
                    throw new IOException("simulated read error");
                }
            },
        };
        var level0 = CreateWith(request);
        var level1 = CreateLevel(_temp.Combine("src"), _temp.Combine("level1.tar"), snapshot);

        Assert.Equal(Errors.SourceFileUnreadable.Id, Assert.Single(level0.Problems).ErrorId);
        Assert.True(level1.Complete);
        Assert.Equal(["./sub/flaky"], Archives.List(_temp.Combine("level1.tar")).Items.Where(i => i.Type == TarEntryType.File).Select(i => i.Name));
    }

    [Theory]
    [InlineData("GNU tar-1.34-2\n", 15)]
    [InlineData("GNU tar-1.34-1\n1796085214\n", 0)]
    [InlineData("GNU tar-1.34-2\n17960852x4\u00000\u0000", 15)]
    [InlineData("GNU tar-1.34-2\n1796085214\u00000\u00000\u00001796085214\u00000\u000065024\u000011665834\u0000.\u0000Ya\u0000", 63)]
    [InlineData("GNU tar-1.34-2\n1796085214\u00000\u00000\u00001796085214\u00000\u000065024\u000011665834\u0000.\u0000Qa\u0000\u0000\u0000", 60)]
    [InlineData("GNU tar-1.34-2\n1796085214\u00000\u00000\u00001796085214\u00000\u000065024\u000011665834\u0000.\u0000Ya\u0000\u0000", 64)]
    [InlineData("not a snapshot file at all", 0)]
    public void A_damaged_snapshot_file_is_SnapshotFileCorrupt_with_its_offset_and_nothing_is_written(string content, long offset)
    {
        _temp.WriteFile("src/a", "a");
        string snapshot = _temp.WriteFile("snapshot", content);

        var error = Assert.Throws<BackupException>(() => CreateLevel(_temp.Combine("src"), _temp.Combine("level.tar"), snapshot));

        Assert.Equal(Errors.SnapshotFileCorrupt.Id, error.ErrorId);
        Assert.Equal(offset, error.Offset);
        Assert.Contains($"byte {offset}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("level.tar")));
        Assert.Equal(content, File.ReadAllText(snapshot));
    }

    [Fact]
    public void An_empty_snapshot_file_starts_a_full_dump_as_with_GNU_tar()
    {
        _temp.WriteFile("src/a", "a");
        string snapshot = _temp.WriteFile("snapshot", "");

        var result = CreateLevel(_temp.Combine("src"), _temp.Combine("level.tar"), snapshot);

        Assert.False(result.Incremental);
        Assert.StartsWith("GNU tar-", File.ReadAllText(snapshot), StringComparison.Ordinal);
        Assert.Contains(Archives.List(_temp.Combine("level.tar")).Items, i => i.Name == "./a");
    }

    [Fact]
    public void Dumpdirs_are_listed_as_such_with_their_names_and_Test_Archive_accepts_and_compares_them()
    {
        _temp.WriteFile("src/kept", "unchanged");
        _temp.WriteFile("src/sub/inner", "unchanged");
        PastTheClockTickOfTheLastWrite();
        string snapshot = _temp.Combine("snapshot");
        CreateLevel(_temp.Combine("src"), _temp.Combine("level0.tar"), snapshot);
        _temp.WriteFile("src/added", "new");

        CreateLevel(_temp.Combine("src"), _temp.Combine("level1.tar"), snapshot);
        var items = Archives.List(_temp.Combine("level1.tar")).Items;
        var test = Archives.Test(_temp.Combine("level1.tar"), compare: _temp.Combine("src"));
        File.WriteAllText(_temp.Combine("src", "not-in-any-level"), "extra");
        var compareWithExtra = Archives.Test(_temp.Combine("level1.tar"), compare: _temp.Combine("src"));

        var root = Assert.Single(items, i => i.Name == "./");
        Assert.Equal(TarEntryType.DumpDirectory, root.Type);
        Assert.Equal("drwxr-xr-x", root.Permissions[..1] + "rwxr-xr-x");
        Assert.Equal(
            [new DumpDirectoryName(DumpDirectoryMark.InArchive, "added"), new DumpDirectoryName(DumpDirectoryMark.NotInArchive, "kept"), new DumpDirectoryName(DumpDirectoryMark.Directory, "sub")],
            root.DumpDirectory);
        Assert.Equal(["./", "./added", "./sub/"], items.Select(i => i.Name));
        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        var extra = Assert.Single(compareWithExtra.Problems);
        Assert.Equal(Errors.DifferenceExtra.Id, extra.ErrorId);
        Assert.Equal("not-in-any-level", extra.Path);
        var gnuListing = ExternalTool.Run("tar", "--listed-incremental=/dev/null", "-tvvf", _temp.Combine("level1.tar")).EnsureSuccess("tar -tvv");
        Assert.Contains("N kept", gnuListing.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Y../x\0\0")]
    [InlineData("Ya/b\0\0")]
    [InlineData("Y..\0\0")]
    [InlineData("Ykeep\0")]
    [InlineData("Qkeep\0\0")]
    [InlineData("R./a\0\0")]
    [InlineData("Ykeep\0\0trailing")]
    public void A_malformed_dumpdir_is_ArchiveCorrupt_with_its_offset_and_removes_nothing(string list)
    {
        string outside = _temp.WriteFile("outside/x", "must stay");
        string destination = _temp.CreateDirectory("outside/dest");
        _temp.WriteFile("outside/dest/keep", "must stay");
        _temp.WriteFile("outside/dest/other", "must stay");
        var crafted = new CraftedTar().File("./first", "1").DumpDirectory("./", list);
        long offset = crafted.LastOffset;
        string archive = crafted.File("./last", "2").Save(_temp.Combine("crafted.tar"));

        var test = Archives.Test(archive);
        var expanded = ExpandIncremental(archive, destination);

        var problem = Assert.Single(test.Problems);
        Assert.Equal(Errors.ArchiveCorrupt.Id, problem.ErrorId);
        Assert.Equal(offset, problem.Offset);
        Assert.Equal(Errors.ArchiveCorrupt.Id, Assert.Single(expanded.Problems).ErrorId);
        Assert.Equal("must stay", File.ReadAllText(outside));
        Assert.Equal(["first", "keep", "last", "other"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_dumpdir_cannot_remove_through_a_symlinked_folder()
    {
        string outside = _temp.CreateDirectory("outside");
        _temp.WriteFile("outside/precious", "must stay");
        _temp.WriteFile("outside/sub/precious", "must stay");
        string destination = _temp.CreateDirectory("dest");
        File.CreateSymbolicLink(Path.Combine(destination, "link"), outside);
        File.CreateSymbolicLink(Path.Combine(destination, "gone"), outside);
        string archive = new CraftedTar()
            .DumpDirectory("./link/sub", "\0")
            .DumpDirectory("./link", "\0")
            .DumpDirectory("./", "Dlink\0\0")
            .Save(_temp.Combine("crafted.tar"));

        var expanded = ExpandIncremental(archive, destination);

        Assert.Equal(Errors.SymlinkEscape.Id, Assert.Single(expanded.Problems).ErrorId);
        Assert.Equal("must stay", File.ReadAllText(Path.Combine(outside, "precious")));
        Assert.Equal("must stay", File.ReadAllText(Path.Combine(outside, "sub", "precious")));
        Assert.Null(Engine.IO.UnixFileSystem.TryLstat(Path.Combine(destination, "gone")));
        Assert.Equal(Engine.IO.FileKind.Directory, Engine.IO.UnixFileSystem.Lstat(Path.Combine(destination, "link")).Kind);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(destination, "link")));
    }

    [Fact]
    public void A_rename_in_a_dumpdir_leading_out_of_the_destination_is_refused()
    {
        _temp.WriteFile("outside/precious/file", "must stay");
        string destination = _temp.CreateDirectory("dest");
        string archive = new CraftedTar()
            .DumpDirectory("./", "R../outside/precious\0T./here\0Dhere\0\0")
            .Save(_temp.Combine("crafted.tar"));

        var expanded = ExpandIncremental(archive, destination);

        Assert.Equal(Errors.UnsafeEntryPath.Id, Assert.Single(expanded.Problems).ErrorId);
        Assert.Equal("must stay", File.ReadAllText(_temp.Combine("outside", "precious", "file")));
    }

    [Fact]
    public void Without_Incremental_a_dumpdir_is_a_plain_folder_and_nothing_is_removed()
    {
        string destination = _temp.CreateDirectory("dest");
        _temp.WriteFile("dest/sub/existing", "stays");
        string archive = new CraftedTar().DumpDirectory("./sub", "Ynew\0\0").File("./sub/new", "n").Save(_temp.Combine("crafted.tar"));

        var expanded = Archives.Expand(archive, destination);

        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        Assert.Equal("stays", File.ReadAllText(_temp.Combine("dest", "sub", "existing")));
        Assert.Equal("n", File.ReadAllText(_temp.Combine("dest", "sub", "new")));
        Assert.Equal(0, expanded.EntriesRemoved);
    }

    /// <summary>
    /// A run takes its start time from the clock file times are stamped with, which moves by ticks: a file
    /// written in the tick the run starts in is stored again by the next level (never missed). Tests that
    /// count what a level stores start the run in a later tick.
    /// </summary>
    private static void PastTheClockTickOfTheLastWrite() => Thread.Sleep(50);

    private static ArchiveResult CreateLevel(string source, string archive, string snapshot, bool noCheckDevice = false) =>
        ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive) { RelativeBasePath = source, SnapshotPath = snapshot, NoCheckDevice = noCheckDevice }, null, CancellationToken.None).GetAwaiter().GetResult();

    private static ArchiveResult CreateWith(CreateArchiveRequest request) =>
        ArchiveWriter.CreateAsync(request, null, CancellationToken.None).GetAwaiter().GetResult();

    private static ExpandArchiveResult ExpandIncremental(string archive, string destination, params string[] include) =>
        ArchiveExtractor.ExpandAsync(new ExpandArchiveRequest(archive, destination) { Incremental = true, Include = include }, null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The folder records of a snapshot file, as our reader takes them, in name order (GNU tar writes them in hash order).</summary>
    private static List<string> FolderRecords(string snapshot) =>
        Engine.Archiving.Incremental.SnapshotFile.Parse(File.ReadAllBytes(snapshot), snapshot)!.Folders
            .Select(f => $"{f.Name} {f.Nfs} {f.ModifiedTime} {f.Device} {f.Inode} {string.Join(",", f.Contents)}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
