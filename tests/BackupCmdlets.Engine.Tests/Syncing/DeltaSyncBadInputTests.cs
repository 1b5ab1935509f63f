using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

public sealed class DeltaSyncBadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-bad-");
    private string? _mountPoint;

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    public void Dispose()
    {
        if (_mountPoint is not null)
        {
            ExternalTool.Run("umount", _mountPoint);
        }

        // Names that are not UTF-8 are beyond .NET's own delete; rm takes bytes.
        ExternalTool.Run("rm", "-rf", _temp.Path);
        _temp.Dispose();
    }

    [Fact]
    public void Missing_source_is_a_clear_error_and_creates_nothing()
    {
        var error = Assert.Throws<BackupException>(() => Sync(_temp.Combine("no-such-folder"), Destination));

        Assert.Equal(Errors.SyncSourceNotFound.Id, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public void Source_that_is_a_file_is_a_clear_error()
    {
        string file = _temp.WriteFile("file.txt", "not a folder");
        _temp.WriteFile("dst/kept.txt", "kept");

        var error = Assert.Throws<BackupException>(() => Sync(file, Destination, r => r with { Delete = true }));

        Assert.Equal(Errors.SyncSourceNotDirectory.Id, error.ErrorId);
        Assert.Equal("kept", File.ReadAllText(_temp.Combine("dst/kept.txt")));
    }

    [Fact]
    public void Destination_that_is_a_file_is_a_clear_error_and_the_file_is_kept()
    {
        _temp.WriteFile("src/a.txt", "a");
        string file = _temp.WriteFile("dst", "I am a file");

        var error = Assert.Throws<BackupException>(() => Sync(Source, file));

        Assert.Equal(Errors.SyncDestinationNotDirectory.Id, error.ErrorId);
        Assert.Equal("I am a file", File.ReadAllText(file));
    }

    [Fact]
    public void Destination_inside_the_source_is_refused_also_through_a_symlink()
    {
        _temp.WriteFile("src/a.txt", "a");
        File.CreateSymbolicLink(_temp.Combine("alias"), Source);

        var inside = Assert.Throws<BackupException>(() => Sync(Source, _temp.Combine("src/mirror")));
        var same = Assert.Throws<BackupException>(() => Sync(Source, Source));
        var viaLink = Assert.Throws<BackupException>(() => Sync(Source, _temp.Combine("alias/mirror")));

        Assert.All(new[] { inside, same, viaLink }, e => Assert.Equal(Errors.SyncDestinationInsideSource.Id, e.ErrorId));
        Assert.False(Directory.Exists(_temp.Combine("src/mirror")));
    }

    [Fact]
    public void Source_inside_the_destination_is_refused()
    {
        _temp.WriteFile("dst/live/a.txt", "a");

        var error = Assert.Throws<BackupException>(() => Sync(_temp.Combine("dst/live"), Destination, r => r with { Delete = true }));

        Assert.Equal(Errors.SyncSourceInsideDestination.Id, error.ErrorId);
        Assert.Equal("a", File.ReadAllText(_temp.Combine("dst/live/a.txt")));
    }

    [Fact]
    public void Invalid_filter_pattern_is_a_clear_error_before_anything_changes()
    {
        _temp.WriteFile("src/a.txt", "a");

        var error = Assert.Throws<BackupException>(() => Sync(Source, Destination, r => r with { Exclude = ["[abc"] }));

        Assert.Equal(Errors.SyncInvalidPattern.Id, error.ErrorId);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public void Full_destination_file_system_keeps_the_previous_good_files_and_no_partial_file()
    {
        if (!UnixFileSystem.IsRoot)
        {
            return; // Mounting a small tmpfs needs root; CI runs as root.
        }

        _mountPoint = _temp.CreateDirectory("full");
        ExternalTool.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _mountPoint).EnsureSuccess("mount tmpfs");
        string destination = Path.Combine(_mountPoint, "mirror");
        _temp.WriteFile("src/small.txt", "version 1");
        _temp.WriteFile("src/data.bin", new byte[300_000]);
        Sync(Source, destination);
        var good = Snapshot(destination);

        var big = new byte[3 << 20];
        new Random(1).NextBytes(big);
        _temp.WriteFile("src/data.bin", big);
        _temp.WriteFile("src/huge.bin", big);

        var result = Sync(Source, destination);

        Assert.False(result.Complete);
        Assert.True(result.Problems.Any(p => p.ErrorId == Errors.SyncDestinationFull.Id && p.Path.EndsWith("data.bin")), string.Join("\n", result.Problems));
        Assert.Contains(result.Problems, p => p.ErrorId == Errors.SyncDestinationFull.Id && p.Path.EndsWith("huge.bin"));
        var after = Snapshot(destination);
        Assert.Equal(good["data.bin"], after["data.bin"]);
        Assert.Equal(good["small.txt"], after["small.txt"]);
        Assert.Equal(["data.bin", "small.txt"], after.Keys);
    }

    [Fact]
    public void A_file_replaced_by_a_folder_and_a_folder_replaced_by_a_file_between_runs()
    {
        _temp.WriteFile("src/was-file", "file");
        _temp.WriteFile("src/was-folder/inner/deep.txt", "deep");
        File.CreateSymbolicLink(_temp.Combine("src/was-link"), "was-file");
        Sync(Source, Destination);
        File.Delete(_temp.Combine("src/was-file"));
        _temp.WriteFile("src/was-file/now-inside.txt", "inside");
        Directory.Delete(_temp.Combine("src/was-folder"), recursive: true);
        _temp.WriteFile("src/was-folder", "now a file");
        File.Delete(_temp.Combine("src/was-link"));
        Directory.CreateDirectory(_temp.Combine("src/was-link"));

        var result = Sync(Source, Destination);

        Assert.True(result.Complete);
        Assert.Contains(result.Changes, c => c is { Path: "was-file", ItemType: FileKind.Directory, Reason: SyncReason.Type });
        Assert.Contains(result.Changes, c => c is { Path: "was-folder", ItemType: FileKind.File, Reason: SyncReason.Type });
        Assert.Equal("now a file", File.ReadAllText(_temp.Combine("dst/was-folder")));
        AssertMirror(Source, Destination);
    }

    [Fact]
    public void Symlink_loops_in_the_source_are_copied_as_links_and_a_looping_source_root_is_an_error()
    {
        _temp.WriteFile("src/real/file.txt", "f");
        File.CreateSymbolicLink(_temp.Combine("src/loop-a"), "loop-b");
        File.CreateSymbolicLink(_temp.Combine("src/loop-b"), "loop-a");
        File.CreateSymbolicLink(_temp.Combine("src/real/up"), "..");

        var result = Sync(Source, Destination);

        Assert.True(result.Complete);
        Assert.Equal("..", UnixFileSystem.ReadLink(_temp.Combine("dst/real/up")));
        AssertMirror(Source, Destination);

        File.CreateSymbolicLink(_temp.Combine("root-a"), _temp.Combine("root-b"));
        File.CreateSymbolicLink(_temp.Combine("root-b"), _temp.Combine("root-a"));
        var error = Assert.Throws<BackupException>(() => Sync(_temp.Combine("root-a"), _temp.Combine("other")));
        Assert.Equal(Errors.SyncSourceSymlinkLoop.Id, error.ErrorId);
    }

    [Fact]
    public void Names_with_newlines_backslashes_and_invalid_utf8_bytes_are_copied_byte_for_byte()
    {
        string invalid = FileNameEncoding.GetString([(byte)'b', (byte)'a', (byte)'d', 0xFF, 0xFE, (byte)'.', (byte)'t']);
        string invalidFolder = FileNameEncoding.GetString([0xC3, 0x28, (byte)'d']);
        Directory.CreateDirectory(Source);
        foreach (string name in new[] { "new\nline", "back\\slash", "tab\tand space ", invalid })
        {
            WriteByName(Source + "/" + name, name);
        }

        UnixFileSystem.CreateDirectory(Source + "/" + invalidFolder, 0x1ED);
        WriteByName(Source + "/" + invalidFolder + "/" + invalid, "nested");
        UnixFileSystem.CreateSymbolicLink(invalid, Source + "/link-to-" + invalid);

        var result = Sync(Source, Destination);

        Assert.True(result.Complete);
        Assert.Equal(7, result.Created);
        var names = UnixFileSystem.ReadDirectory(Destination).Select(e => e.Name).ToHashSet();
        Assert.Contains(invalid, names);
        Assert.Contains("new\nline", names);
        Assert.Equal(invalid, UnixFileSystem.ReadLink(Destination + "/link-to-" + invalid));
        AssertMirror(Source, Destination);
        Assert.Empty(Sync(Source, Destination).Changes);
    }

    private static void WriteByName(string path, string content)
    {
        using var handle = UnixFileSystem.CreateNewFile(path, 0x1A4);
        RandomAccess.Write(handle, System.Text.Encoding.UTF8.GetBytes(content), 0);
    }
}
