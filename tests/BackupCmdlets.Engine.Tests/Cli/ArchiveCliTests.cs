using System.Diagnostics;
using System.Text.Json;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Cli;

/// <summary>The CLI as a separate process: one vocabulary with the cmdlets, JSON lines, exit codes 0/1/2, Ctrl+C.</summary>
[Trait("Front", "NativeCli")]
public sealed class ArchiveCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_four_operations_run_with_cmdlet_names_and_json_results()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out.tar.gz");

        var created = CliProcess.Run("New-TarArchive", "--path", source, "--destination-path", archive, "--compression", "GZip", "--checksum", "--relative-base-path", _temp.Combine("src"), "--json");
        var listed = CliProcess.Run("get-tararchiveitem", "--path", archive, "--json");
        var tested = CliProcess.Run("Test-Archive", "--path", archive, "--compare", _temp.Combine("src"), "--json");
        var expanded = CliProcess.Run("Expand-TarArchive", "--path", archive, "--destination-path", _temp.Combine("out"), "--preserve-owner", "--json");

        Assert.Equal(0, created.ExitCode);
        using var result = JsonDocument.Parse(created.StandardOutput);
        Assert.Equal("GZip", result.RootElement.GetProperty("Compression").GetString());
        Assert.Equal(64, result.RootElement.GetProperty("Sha256").GetString()!.Length);
        Assert.Equal(0, listed.ExitCode);
        var lines = listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Archives.List(archive).Items.Count, lines.Length);
        Assert.All(lines, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("Permissions", out _)));
        Assert.Equal(0, tested.ExitCode);
        Assert.True(JsonDocument.Parse(tested.StandardOutput).RootElement.GetProperty("IsValid").GetBoolean());
        Assert.Equal(0, expanded.ExitCode);
        TreeAssert.Identical(source, _temp.Combine("out", "tree"));
    }

    [Fact]
    public void An_incremental_chain_is_written_with_snapshot_path_and_restored_level_by_level_with_incremental()
    {
        _temp.WriteFile("src/data/kept", "level 0");
        _temp.WriteFile("src/data/gone/file", "removed after level 0");
        string snapshot = _temp.Combine("data.snar");

        var level0 = CliProcess.Run("New-TarArchive", "--path", _temp.Combine("src", "data"), "--destination-path", _temp.Combine("data-0.tar"), "--relative-base-path", _temp.Combine("src"), "--snapshot-path", snapshot, "--json");
        Directory.Delete(_temp.Combine("src", "data", "gone"), recursive: true);
        _temp.WriteFile("src/data/added", "level 1");
        var level1 = CliProcess.Run("New-TarArchive", "--path", _temp.Combine("src", "data"), "--destination-path", _temp.Combine("data-1.tar"), "--relative-base-path", _temp.Combine("src"), "--snapshot-path", snapshot, "--no-check-device", "--json");
        var expanded = new[] { "data-0.tar", "data-1.tar" }
            .Select(level => CliProcess.Run("Expand-TarArchive", "--path", _temp.Combine(level), "--destination-path", _temp.Combine("restore"), "--incremental", "--json"))
            .ToList();

        Assert.True(level0.ExitCode == 0, level0.StandardError);
        Assert.False(JsonDocument.Parse(level0.StandardOutput).RootElement.GetProperty("Incremental").GetBoolean());
        Assert.True(level1.ExitCode == 0, level1.StandardError);
        Assert.True(JsonDocument.Parse(level1.StandardOutput).RootElement.GetProperty("Incremental").GetBoolean());
        Assert.All(expanded, e => Assert.True(e.ExitCode == 0, e.StandardError));
        Assert.Equal(2, JsonDocument.Parse(expanded[1].StandardOutput).RootElement.GetProperty("EntriesRemoved").GetInt64());
        TreeAssert.Identical(_temp.Combine("src", "data"), _temp.Combine("restore", "data"));
    }

    [Fact]
    public void The_demo_runs_the_main_job_on_its_sample_data_and_says_the_copies_are_whole()
    {
        var demo = CliProcess.Run("demo");

        Assert.True(demo.ExitCode == 0, demo.StandardOutput + demo.StandardError);
        Assert.Contains("0 differences", demo.StandardOutput);
        Assert.Contains("The restored copy is identical to the sample tree.", demo.StandardOutput);
        Assert.Contains("the copy holds every order committed before the backup finished", demo.StandardOutput);
    }

    [Fact]
    public void Problems_found_give_exit_code_one_and_bad_usage_two()
    {
        string notAnArchive = _temp.WriteFile("notes.tar", "plain text, not a tar archive at all, but long enough to fill a block " + new string('x', 600));

        var invalid = CliProcess.Run("Test-Archive", "--path", notAnArchive);
        var quiet = CliProcess.Run("Test-Archive", "--path", notAnArchive, "--quiet");
        var missing = CliProcess.Run("New-TarArchive", "--path", _temp.Combine("missing"), "--destination-path", _temp.Combine("x.tar"));
        var badUsage = CliProcess.Run("New-TarArchive", "--destination-path", _temp.Combine("x.tar"));
        var badEnum = CliProcess.Run("New-TarArchive", "--path", _temp.Path, "--destination-path", _temp.Combine("x.tar"), "--compression", "Zip");
        var unknown = CliProcess.Run("No-SuchCommand");

        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains(Errors.NotAnArchive.Id, invalid.StandardError);
        Assert.Equal(1, quiet.ExitCode);
        Assert.Equal("False", quiet.StandardOutput.Trim());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"error {Errors.PathNotFound.Id}", missing.StandardError);
        Assert.Equal(2, badUsage.ExitCode);
        Assert.Equal(2, badEnum.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
        Assert.False(File.Exists(_temp.Combine("x.tar")));
    }

    [Fact]
    public void Messages_name_the_options_as_the_CLI_spells_them()
    {
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("out.tar");
        var retention = CliProcess.Run("Remove-BackupSet", "--path", _temp.Path);
        Assert.Equal(0, CliProcess.Run("New-TarArchive", "--path", source, "--destination-path", archive).ExitCode);

        var again = CliProcess.Run("New-TarArchive", "--path", source, "--destination-path", archive);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"error {Errors.ArchiveExists.Id}", again.StandardError);
        Assert.Contains("use --force to replace it", again.StandardError);
        Assert.Contains("Give --keep-last, --older-than or both", retention.StandardError);
        Assert.DoesNotContain(" -Force", again.StandardError + retention.StandardError);
    }

    [Fact]
    public void Ctrl_C_stops_the_run_and_leaves_no_archive_under_its_name()
    {
        string source = _temp.CreateDirectory("big");
        byte[] block = new byte[16 << 20];
        new Random(11).NextBytes(block);
        for (int i = 0; i < 6; i++)
        {
            File.WriteAllBytes(Path.Combine(source, $"part{i}.bin"), block);
        }

        string archive = _temp.Combine("big.tar.bz2");
        var start = CliProcess.StartInfo("New-TarArchive", "--path", source, "--destination-path", archive, "--compression", "BZip2");

        using var process = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (Archives.Temporaries(_temp.Path).Length == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(20);
        }

        Thread.Sleep(500);
        Assert.False(process.HasExited, "the run ended before it could be interrupted");
        ExternalTool.Run("sh", "-c", $"kill -INT {process.Id}").EnsureSuccess("kill -INT");
        Assert.True(process.WaitForExit(30_000));

        Assert.NotEqual(0, process.ExitCode);
        Assert.False(File.Exists(archive));
        Assert.Empty(Archives.Temporaries(_temp.Path));
    }
}
