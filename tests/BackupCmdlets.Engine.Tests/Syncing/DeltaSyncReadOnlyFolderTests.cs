using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>
/// A read-only source folder (mode 555) mirrored by a user who is not root: later runs still update it,
/// as rsync -a does (the folder is made writable while the sync works in it, then given its mode back).
/// </summary>
public sealed class DeltaSyncReadOnlyFolderTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-");

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_read_only_folder_mirrored_as_a_user_is_updated_by_every_later_run()
    {
        Assert.True(UnixFileSystem.IsRoot, "this test runs the CLI as 'nobody', which needs root (CI runs as root)");
        _temp.WriteFile("src/ro/changes.txt", "first");
        _temp.WriteFile("src/ro/goes.txt", "deleted later");
        _temp.WriteFile("src/ro/inner/kept.txt", "kept");
        _temp.WriteFile("src/top.txt", "top");
        UnixFileSystem.SetPermissions(_temp.Combine("src/ro/inner"), 0x16D);
        UnixFileSystem.SetPermissions(_temp.Combine("src/ro"), 0x16D);
        UnixFileSystem.SetPermissions(Source, 0x16D);
        ExternalTool.Run("chown", "-R", "nobody:", _temp.Path).EnsureSuccess("chown");
        string[] sync = ["runuser", "-u", "nobody", "--", .. CliProcess.Launcher, "Invoke-DeltaSync", "--path", Source, "--destination-path", Destination, "--delete"];

        var first = ExternalTool.Run(sync[0], sync[1..]);
        Assert.True(first.ExitCode == 0, first.StandardError);

        File.WriteAllText(_temp.Combine("src/ro/changes.txt"), "second, longer");
        File.Delete(_temp.Combine("src/ro/goes.txt"));
        _temp.WriteFile("src/ro/new.txt", "new");
        _temp.WriteFile("src/ro/inner/new-inside.txt", "new inside");
        _temp.WriteFile("src/new-top.txt", "new at the top");
        ExternalTool.Run("chown", "-R", "nobody:", Source).EnsureSuccess("chown");
        foreach (string folder in new[] { "src/ro/inner", "src/ro", "src" })
        {
            SetTime(_temp.Combine(folder), 1_700_000_000);
        }

        var second = ExternalTool.Run(sync[0], sync[1..]);

        Assert.True(second.ExitCode == 0, second.StandardError + second.StandardOutput);
        Assert.Equal("second, longer", File.ReadAllText(_temp.Combine("dst/ro/changes.txt")));
        Assert.False(File.Exists(_temp.Combine("dst/ro/goes.txt")));
        Assert.Equal("new inside", File.ReadAllText(_temp.Combine("dst/ro/inner/new-inside.txt")));
        foreach (string folder in new[] { "dst/ro/inner", "dst/ro", "dst" })
        {
            Assert.Equal(0x16D, UnixFileSystem.Lstat(_temp.Combine(folder)).Permissions);
        }

        AssertMirror(Source, Destination);
        var third = ExternalTool.Run(sync[0], sync[1..]);
        Assert.True(third.ExitCode == 0, third.StandardError);
        Assert.Contains("Created         : 0", third.StandardOutput);
        Assert.Contains("Updated         : 0", third.StandardOutput);
    }
}
