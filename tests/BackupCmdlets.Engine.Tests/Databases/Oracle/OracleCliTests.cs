using System.Text.Json;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>The Oracle side of the CLI, run as a separate process: Test-DatafileBlock, and the driver error of Start-HotBackup and Export-Database.</summary>
[Trait("Front", "NativeCli")]
public sealed class OracleCliTests
{
    [Fact]
    public void Test_DatafileBlock_passes_a_sound_datafile_and_fails_a_corrupt_one_naming_the_block()
    {
        using var temp = new TempDirectory("bkc-cli-ora-");
        using var db = new SimulatedOracleDatabase(temp.Combine("db"));
        db.CorruptBlock(3, 10);
        var files = db.Datafiles.ToDictionary(d => d.Number, d => d.Path);

        var sound = CliProcess.Run("Test-DatafileBlock", "--path", files[1], "--json").EnsureSuccess("Test-DatafileBlock");
        var result = JsonDocument.Parse(sound.StandardOutput).RootElement;
        Assert.True(result.GetProperty("IsValid").GetBoolean());
        Assert.Equal(8192, result.GetProperty("BlockSize").GetInt32());
        Assert.Equal(96, result.GetProperty("Blocks").GetInt64());
        Assert.Equal(5, result.GetProperty("Empty").GetInt64()); // block 0 (the OS header) and the 4 never-formatted blocks

        // Judged as a hot copy begun now: the damaged block's SCN predates that start, so it is corruption, not a fracture.
        string startScn = (db.CurrentScn + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var corrupt = CliProcess.Run("Test-DatafileBlock", "--path", files[3], "--start-scn", startScn);
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("CorruptBlock", corrupt.StandardError);
        Assert.Contains("block 10 is corrupt", corrupt.StandardError);
        Assert.Contains("predates the backup start", corrupt.StandardError);
    }

    [Theory]
    [InlineData("Start-HotBackup")]
    [InlineData("Export-Database")]
    public void An_Oracle_backup_or_export_without_the_driver_exits_1_saying_how_to_supply_it(string command)
    {
        using var temp = new TempDirectory("bkc-cli-ora-driver-");
        string repository = temp.Combine("repository");

        var run = CliProcess.Run(command, "--engine", "Oracle", "--connection-string", "Data Source=db:1521/ORCL", "--destination-path", repository, "--oracle-driver-path", temp.Combine("missing"));

        Assert.Equal(1, run.ExitCode);
        if (CliProcess.IsNative)
        {
            // The native executable cannot load a .NET driver at all, and says what can.
            Assert.Contains("OracleDriverNeedsRuntime", run.StandardError);
            Assert.Contains("PowerShell module", run.StandardError);
        }
        else
        {
            Assert.Contains("OracleDriverNotFound", run.StandardError);
            Assert.Contains("--oracle-driver-path", run.StandardError);
        }

        Assert.False(Directory.Exists(repository));
    }
}
