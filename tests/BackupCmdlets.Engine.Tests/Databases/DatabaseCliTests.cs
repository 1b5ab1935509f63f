using System.Text.Json;
using BackupCmdlets.Cli;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The database commands of the CLI, run as a separate process on a real SQLite database and a real PostgreSQL server; and the SQLite demo.</summary>
[Trait("Front", "NativeCli")]
public sealed class DatabaseCliTests
{
    [Fact]
    public void Hot_backup_list_test_restore_and_retention_through_the_CLI()
    {
        using var temp = new TempDirectory("bkc-cli-db-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 500);
        string repository = temp.Combine("repository");

        var hot = CliProcess.Run("Start-HotBackup", "--engine", "Sqlite", "--connection-string", $"Data Source={database}", "--destination-path", repository, "--json").EnsureSuccess("Start-HotBackup");
        string setPath = JsonDocument.Parse(hot.StandardOutput).RootElement.GetProperty("Path").GetString()!;
        CliProcess.Run("Start-ColdBackup", "--engine", "Sqlite", "--connection-string", $"Data Source={database}", "--destination-path", repository).EnsureSuccess("Start-ColdBackup");

        var list = CliProcess.Run("Get-BackupSet", "--path", repository, "--json").EnsureSuccess("Get-BackupSet");
        var kinds = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Kind").GetString()).ToList();
        Assert.Equal(["Cold", "Hot"], kinds);

        var test = CliProcess.Run("Test-BackupSet", "--path", setPath, "--json").EnsureSuccess("Test-BackupSet");
        Assert.True(JsonDocument.Parse(test.StandardOutput).RootElement.GetProperty("Passed").GetBoolean());

        string restored = temp.Combine("restored.db");
        CliProcess.Run("Restore-BackupSet", "--path", setPath, "--destination-path", restored).EnsureSuccess("Restore-BackupSet");
        Assert.Equal(500, SqliteRowWriter.Count(restored, "SELECT count(*) FROM seed"));
        var again = CliProcess.Run("Restore-BackupSet", "--path", setPath, "--destination-path", restored);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("RestoreDestinationNotEmpty", again.StandardError);

        var whatIf = CliProcess.Run("Remove-BackupSet", "--path", repository, "--keep-last", "1", "--what-if", "--json").EnsureSuccess("Remove-BackupSet --what-if");
        Assert.Contains(setPath, whatIf.StandardOutput);
        Assert.True(Directory.Exists(setPath));
        CliProcess.Run("Remove-BackupSet", "--path", repository, "--keep-last", "1").EnsureSuccess("Remove-BackupSet");
        Assert.False(Directory.Exists(setPath));
        Assert.Single(Directory.EnumerateDirectories(repository));
    }

    [Fact]
    public void A_PostgreSQL_hot_backup_as_gzip_tars_through_the_CLI_tests_restores_and_recovers()
    {
        using var temp = new TempDirectory("bkc-cli-pg-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 20000) g");
        string repository = temp.CreateDirectory("repository");

        var hot = CliProcess.Run("Start-HotBackup", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionString, "--destination-path", repository, "--compression", "GZip", "--json")
            .EnsureSuccess("Start-HotBackup");
        var set = JsonDocument.Parse(hot.StandardOutput).RootElement;
        Assert.Equal("Complete", set.GetProperty("Status").GetString());
        Assert.Equal("PostgreSql", set.GetProperty("Engine").GetString());
        using var copy = TestedRestoredAndRecovered(temp, set.GetProperty("Path").GetString()!);
        Assert.Equal(20000, copy.Scalar<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public void A_Plain_Zstd_chain_through_the_CLI_lists_its_format_and_restores_the_incremental()
    {
        using var temp = new TempDirectory("bkc-cli-pg-pz-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 20000) g");
        string repository = temp.CreateDirectory("repository");
        string[] backup = ["Start-HotBackup", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionString, "--destination-path", repository, "--format", "Plain", "--compression", "Zstd", "--json"];

        CliProcess.Run(backup).EnsureSuccess("Start-HotBackup (full)");
        cluster.Execute("UPDATE items SET id = -id WHERE id % 100 = 0");
        var incremental = JsonDocument.Parse(CliProcess.Run([.. backup, "--type", "Incremental"]).EnsureSuccess("Start-HotBackup (incremental)").StandardOutput).RootElement;
        var listed = CliProcess.Run("Get-BackupSet", "--path", repository, "--json").EnsureSuccess("Get-BackupSet").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.Equal("Incremental", incremental.GetProperty("Type").GetString());
        Assert.Equal(2, listed.Count);
        Assert.All(listed, set => Assert.Equal(("Plain", "Zstd"), (set.GetProperty("Format").GetString(), set.GetProperty("Compression").GetString())));
        using var copy = TestedRestoredAndRecovered(temp, incremental.GetProperty("Path").GetString()!);
        Assert.Equal(200, copy.Scalar<long>("SELECT count(*) FROM items WHERE id < 0"));
    }

    /// <summary>The set passes Test-BackupSet and is restored through the CLI; answers a server on the copy, recovered.</summary>
    private static PostgresCluster TestedRestoredAndRecovered(TempDirectory temp, string setPath)
    {
        CliProcess.Run("Test-BackupSet", "--path", setPath).EnsureSuccess("Test-BackupSet");
        string restored = Path.Combine(temp.CreateDirectory("restored"), "data");
        CliProcess.Run("Restore-BackupSet", "--path", setPath, "--destination-path", restored).EnsureSuccess("Restore-BackupSet");
        var copy = PostgresCluster.Attach(Path.GetDirectoryName(restored)!, restored);
        try
        {
            copy.Start("-c archive_mode=off");
            copy.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    [Fact]
    public void A_bad_set_fails_Test_BackupSet_with_exit_code_1_naming_the_file()
    {
        using var temp = new TempDirectory("bkc-cli-db-bad-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "DELETE", 50);
        var hot = CliProcess.Run("Start-HotBackup", "--engine", "Sqlite", "--connection-string", $"Data Source={database}", "--destination-path", temp.Combine("repository"), "--json").EnsureSuccess("Start-HotBackup");
        string setPath = JsonDocument.Parse(hot.StandardOutput).RootElement.GetProperty("Path").GetString()!;
        File.AppendAllText(Path.Combine(setPath, "database", "app.db"), "tampered");

        var test = CliProcess.Run("Test-BackupSet", "--path", setPath);
        Assert.Equal(1, test.ExitCode);
        Assert.Contains("BackupSetFileChanged", test.StandardError);
        Assert.Contains("database/app.db", test.StandardError);
    }

    [Fact]
    public void Missing_required_options_are_bad_usage()
    {
        var result = CliProcess.Run("Start-HotBackup", "--engine", "Sqlite");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task The_SQLite_demo_backs_up_under_a_writer_and_restores_every_committed_row()
    {
        var output = new StringWriter();
        Assert.True(await SqliteDemo.RunAsync(output, CancellationToken.None), output.ToString());
        Assert.Contains("Restore-BackupSet: restored.db has", output.ToString());
    }
}
