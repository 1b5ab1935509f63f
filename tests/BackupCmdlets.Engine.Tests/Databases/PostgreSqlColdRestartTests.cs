using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 12, item 9: a cold backup starts the server again exactly as it was started (its configuration
/// folder, options and log file), never leaves a server it found running shut down, never puts a log
/// into the data directory and keeps an old one of ours out of its sets.
/// </summary>
public sealed partial class PostgreSqlColdRestartTests
{
    private const string LeftoverLog = "pg_ctl-startup.log";

    [Fact]
    public async Task A_server_started_from_a_configuration_folder_with_a_log_file_runs_again_as_it_was_started()
    {
        using var temp = new TempDirectory("bkc-pg-coldcfg-");
        using var cluster = PostgresCluster.Create(temp.Path, separateConfig: true);
        cluster.Execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
        string leftover = Path.Combine(cluster.DataDirectory, LeftoverLog);
        File.WriteAllText(leftover, "an earlier restart's log\n");
        string opts = Path.Combine(cluster.DataDirectory, "postmaster.opts");
        string optsBefore = File.ReadAllText(opts);
        Assert.Contains($"\"-D\" \"{cluster.ConfigDirectory}\"", optsBefore);
        int pidBefore = cluster.PostmasterPid;
        Assert.Equal(cluster.LogPath, StandardErrorOf(pidBefore));
        int startsLogged = ReadyLines(cluster.LogPath);
        string repository = temp.Combine("repository");

        var cold = await DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository), null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, cold.Status);
        Assert.True(cluster.IsRunning);
        int pidAfter = cluster.PostmasterPid;
        Assert.NotEqual(pidBefore, pidAfter);
        Assert.Equal(Path.Combine(cluster.ConfigDirectory, "postgresql.conf"), cluster.Scalar<string>("SHOW config_file"));
        Assert.Equal(optsBefore, File.ReadAllText(opts));
        Assert.Equal(cluster.LogPath, StandardErrorOf(pidAfter));
        Assert.Equal(startsLogged + 1, ReadyLines(cluster.LogPath));
        Assert.Equal(1000, cluster.Scalar<long>("SELECT count(*) FROM t"));
        Assert.Equal("an earlier restart's log\n", File.ReadAllText(leftover));

        var hot = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository), null, CancellationToken.None);
        foreach (var set in new[] { cold, hot })
        {
            Assert.DoesNotContain(ManifestStore.Read(set.Path).Files, f => f.Path == $"data/{LeftoverLog}");
            Assert.False(File.Exists(Path.Combine(set.Path, "data", LeftoverLog)));
        }
    }

    [Fact]
    public async Task A_cold_backup_does_not_stop_a_server_that_could_not_start_again()
    {
        using var temp = new TempDirectory("bkc-pg-coldbroken-");
        using var cluster = PostgresCluster.Create(temp.Path, separateConfig: true);
        File.AppendAllText(Path.Combine(cluster.ConfigDirectory, "postgresql.conf"), "\nthis line is not a setting\n");
        int pid = cluster.PostmasterPid;
        string repository = temp.Combine("repository");

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository), null, CancellationToken.None));

        Assert.Equal(Errors.DatabaseRestartNotPossible.Id, error.ErrorId);
        Assert.Contains(cluster.ConfigDirectory, error.Message);
        Assert.Contains("postgresql.conf", error.Message);
        Assert.Equal(pid, cluster.PostmasterPid);
        Assert.Equal(1, cluster.Scalar<int>("SELECT 1"));
        Assert.False(Directory.Exists(repository));
    }

    [Fact]
    public async Task A_server_whose_log_was_put_into_its_data_directory_is_started_again_without_a_log_there()
    {
        using var temp = new TempDirectory("bkc-pg-coldlog-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Stop();
        string inside = Path.Combine(cluster.DataDirectory, LeftoverLog);
        PostgresCluster.RunAsServerUser("pg_ctl", "start", "-D", cluster.DataDirectory, "-w", "-l", inside, "-o", $"-p {cluster.Port} -c unix_socket_directories={cluster.SocketDirectory}")
            .EnsureSuccess("pg_ctl start with the log in the data directory");
        Assert.Equal(inside, StandardErrorOf(cluster.PostmasterPid));

        var set = await DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.Combine("repository")), null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.True(cluster.IsRunning);
        string log = StandardErrorOf(cluster.PostmasterPid);
        Assert.False(log.StartsWith(cluster.DataDirectory + "/", StringComparison.Ordinal), $"the server logs into its data directory: {log}");
        Assert.DoesNotContain(ManifestStore.Read(set.Path).Files, f => f.Path == $"data/{LeftoverLog}");
    }

    private static string StandardErrorOf(int pid) => new FileInfo($"/proc/{pid}/fd/2").LinkTarget!;

    private static int ReadyLines(string log) => ReadyToAccept().Count(File.ReadAllText(log));

    [GeneratedRegex("database system is ready to accept connections")]
    private static partial Regex ReadyToAccept();
}
