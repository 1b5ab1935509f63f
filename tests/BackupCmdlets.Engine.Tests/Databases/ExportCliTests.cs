using System.Diagnostics;
using System.Text.Json;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Export-Database and Import-Database through the CLI, as a separate process, on real SQLite and PostgreSQL databases.</summary>
[Trait("Front", "NativeCli")]
public sealed class ExportCliTests
{
    [Fact]
    public void An_SQLite_export_is_listed_tested_and_imported_through_the_CLI_and_a_second_import_is_refused()
    {
        using var temp = new TempDirectory("bkc-cli-export-");
        string database = temp.Combine("app.db");
        SqliteRowWriter.CreateDatabase(database, "WAL", 400);
        string repository = temp.Combine("repository");

        var export = CliProcess.Run("export-database", "--engine", "Sqlite", "--connection-string", $"Data Source={database}", "--destination-path", repository, "--json").EnsureSuccess("export-database");
        var set = JsonDocument.Parse(export.StandardOutput).RootElement;
        Assert.Equal("Logical", set.GetProperty("Kind").GetString());
        string setPath = set.GetProperty("Path").GetString()!;
        var list = CliProcess.Run("Get-BackupSet", "--path", repository, "--kind", "Logical", "--json").EnsureSuccess("Get-BackupSet");
        Assert.Equal(setPath, JsonDocument.Parse(list.StandardOutput).RootElement.GetProperty("Path").GetString());
        CliProcess.Run("Test-BackupSet", "--path", setPath).EnsureSuccess("Test-BackupSet");

        string imported = temp.Combine("imported.db");
        var import = CliProcess.Run("import-database", "--path", setPath, "--connection-string", $"Data Source={imported}", "--json").EnsureSuccess("import-database");
        Assert.Equal(imported, JsonDocument.Parse(import.StandardOutput).RootElement.GetProperty("Target").GetString());
        Assert.Equal(400, SqliteRowWriter.Count(imported, "SELECT count(*) FROM seed"));
        var again = CliProcess.Run("import-database", "--path", setPath, "--connection-string", $"Data Source={imported}");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error ImportTargetNotEmpty", again.StandardError, StringComparison.Ordinal);
        Assert.Contains("--force", again.StandardError, StringComparison.Ordinal);
        CliProcess.Run("import-database", "--path", setPath, "--connection-string", $"Data Source={imported}", "--force").EnsureSuccess("import-database --force");
    }

    [Fact]
    public void A_PostgreSQL_export_with_the_password_from_the_environment_is_imported_with_clean_through_the_CLI()
    {
        using var temp = new TempDirectory("bkc-cli-export-pg-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 3000) g");
        cluster.RequirePassword("cli-" + Guid.NewGuid().ToString("N"));
        string repository = temp.CreateDirectory("repository");

        var export = Run(cluster, "export-database", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionStringWithoutPassword, "--destination-path", repository, "--throttle-limit", "2", "--json")
            .EnsureSuccess("export-database");
        string setPath = JsonDocument.Parse(export.StandardOutput).RootElement.GetProperty("Path").GetString()!;
        string target = cluster.ConnectionStringWithoutPassword.Replace("Database=postgres", "Database=copy", StringComparison.Ordinal);
        Run(cluster, "import-database", "--path", setPath, "--connection-string", target, "--throttle-limit", "2").EnsureSuccess("import-database");
        cluster.ExecuteIn("copy", "DELETE FROM items WHERE id > 10");
        Run(cluster, "import-database", "--path", setPath, "--connection-string", target, "--clean", "--force").EnsureSuccess("import-database --clean --force");
        Assert.Equal(3000, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM items"));
    }

    /// <summary>The CLI with the cluster's password in BACKUPCMDLETS_PASSWORD, as a scheduled job would give it.</summary>
    private static ExternalTool.Result Run(PostgresCluster cluster, params string[] arguments)
    {
        var start = CliProcess.StartInfo(arguments);
        start.Environment["BACKUPCMDLETS_PASSWORD"] = cluster.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the CLI did not finish in time");
        return new ExternalTool.Result(process.ExitCode, output.Result, error.Result);
    }
}
