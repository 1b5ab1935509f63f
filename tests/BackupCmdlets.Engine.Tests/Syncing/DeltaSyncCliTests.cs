using System.Diagnostics;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>The CLI front of Invoke-DeltaSync, run as a real process.</summary>
[Trait("Front", "NativeCli")]
public sealed class DeltaSyncCliTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-cli-");

    private string Source => _temp.Combine("src");

    private string Destination => _temp.Combine("dst");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sync_with_the_same_options_in_kebab_case_and_json_output()
    {
        _temp.WriteFile("src/a.txt", "a");
        _temp.WriteFile("src/skip.tmp", "s");
        _temp.WriteFile("dst/stale.txt", "old");

        var run = CliProcess.Run("Invoke-DeltaSync", "--path", Source, "--destination-path", Destination, "--delete", "--exclude", "*.tmp", "--pass-thru", "--json");

        run.EnsureSuccess("backupcmdlets Invoke-DeltaSync");
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("\"Action\":\"Delete\"") && l.Contains("stale.txt"));
        Assert.Contains("\"Created\":1", lines[^1]);
        Assert.Contains("\"Deleted\":1", lines[^1]);
        AssertMirror(Source, Destination, false, false, "--exclude=*.tmp");
    }

    [Fact]
    public void What_if_lists_the_changes_and_changes_nothing()
    {
        _temp.WriteFile("src/a.txt", "a");

        var run = CliProcess.Run("Invoke-DeltaSync", "--path", Source, "--destination-path", Destination, "--what-if", "--json");

        run.EnsureSuccess("backupcmdlets Invoke-DeltaSync --what-if");
        Assert.Contains("\"Path\":\"a.txt\"", run.StandardOutput);
        Assert.Contains("\"DryRun\":true", run.StandardOutput);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public void Bad_input_and_bad_usage_have_their_exit_codes()
    {
        var missing = CliProcess.Run("Invoke-DeltaSync", "--path", _temp.Combine("nope"), "--destination-path", Destination);
        var usage = CliProcess.Run("Invoke-DeltaSync", "--path", Source);

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains(Errors.SyncSourceNotFound.Id, missing.StandardError);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public void An_unreadable_file_is_reported_the_run_goes_on_and_the_exit_code_says_incomplete()
    {
        if (!UnixFileSystem.IsRoot)
        {
            return; // Runs the CLI as 'nobody', which needs root; CI runs as root.
        }

        _temp.WriteFile("src/readable.txt", "r");
        string secret = _temp.WriteFile("src/secret.txt", "s");
        UnixFileSystem.SetPermissions(secret, 0);
        ExternalTool.Run("chown", "-R", "nobody", _temp.Path).EnsureSuccess("chown");

        var run = ExternalTool.Run("runuser", ["-u", "nobody", "--", .. CliProcess.Launcher, "Invoke-DeltaSync", "--path", Source, "--destination-path", Destination]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Errors.SyncSourceUnreadable.Id, run.StandardError);
        Assert.Contains("Complete        : False", run.StandardOutput);
        Assert.Equal("r", File.ReadAllText(_temp.Combine("dst/readable.txt")));
        Assert.False(File.Exists(_temp.Combine("dst/secret.txt")));
    }

    [Fact]
    public void A_sync_killed_with_signal_9_leaves_every_file_old_or_new_and_the_next_run_finishes()
    {
        const int files = 120;
        const int size = 1 << 20;
        for (int i = 0; i < files; i++)
        {
            _temp.WriteFile($"src/d{i % 4}/f{i}.bin", Content(i, 1, size));
        }

        CliProcess.Run("Invoke-DeltaSync", "--path", Source, "--destination-path", Destination).EnsureSuccess("first sync");
        for (int i = 0; i < files; i++)
        {
            File.WriteAllBytes(_temp.Combine($"src/d{i % 4}/f{i}.bin"), Content(i, 2, size + 4096));
        }

        var start = CliProcess.StartInfo("Invoke-DeltaSync", "--path", Source, "--destination-path", Destination, "--throttle-limit", "1");

        int updatedAtKill;
        using (var process = Process.Start(start)!)
        {
            var deadline = Stopwatch.StartNew();
            while ((updatedAtKill = CountNewVersions(files, size)) == 0 && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(2);
            }

            process.Kill(entireProcessTree: false); // SIGKILL
            process.WaitForExit();
        }

        Assert.InRange(updatedAtKill, 1, files - 1);
        for (int i = 0; i < files; i++)
        {
            byte[] now = File.ReadAllBytes(_temp.Combine($"dst/d{i % 4}/f{i}.bin"));
            Assert.True(now.AsSpan().SequenceEqual(Content(i, 1, size)) || now.AsSpan().SequenceEqual(Content(i, 2, size + 4096)), $"f{i}.bin is neither the old nor the new version");
        }

        CliProcess.Run("Invoke-DeltaSync", "--path", Source, "--destination-path", Destination).EnsureSuccess("sync after the kill");
        AssertMirror(Source, Destination, checksum: true);
        Assert.Empty(Directory.GetFiles(Destination, "*" + TemporaryName.Suffix, SearchOption.AllDirectories));
    }

    private int CountNewVersions(int files, int size) =>
        Enumerable.Range(0, files).Count(i => new FileInfo(_temp.Combine($"dst/d{i % 4}/f{i}.bin")) is { Exists: true } f && f.Length == size + 4096);

    private static byte[] Content(int file, int version, int length)
    {
        byte[] data = new byte[length];
        new Random(file * 10 + version).NextBytes(data);
        return data;
    }
}
