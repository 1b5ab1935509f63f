using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 12, item 10: a role granted only some of what a backup needs is refused before anything is
/// copied or stopped, with the GRANT statements that fix it; running exactly those makes the backup work.
/// </summary>
public sealed partial class PostgreSqlPrivilegeTests
{
    private const string Role = "backup_operator";

    [Fact]
    public async Task A_role_lacking_EXECUTE_on_pg_switch_wal_and_the_archiver_statistics_is_refused_before_the_copy_with_the_grants_that_fix_it()
    {
        using var temp = new TempDirectory("bkc-pg-grants-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute($"CREATE ROLE {Role} LOGIN; GRANT pg_read_all_settings TO {Role}; GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean) TO {Role}");
        cluster.Execute("REVOKE EXECUTE ON FUNCTION pg_stat_get_archiver() FROM PUBLIC");
        string repository = temp.Combine("repository");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, AsRole(cluster), repository);

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.BackupPrivilegeMissing.Id, error.ErrorId);
        Assert.Equal(
            [$"GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_get_archiver() TO {Role};", $"GRANT EXECUTE ON FUNCTION pg_catalog.pg_switch_wal() TO {Role};"],
            Grants(error.Message).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(repository));

        foreach (string grant in Grants(error.Message))
        {
            cluster.Execute(grant);
        }

        var set = await DatabaseBackup.StartHotAsync(request, null, CancellationToken.None);
        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_role_that_cannot_read_the_settings_is_refused_hot_and_cold_before_anything_is_copied_or_stopped()
    {
        using var temp = new TempDirectory("bkc-pg-settings-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute($"CREATE ROLE {Role} LOGIN; GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean), pg_switch_wal() TO {Role}");
        string repository = temp.Combine("repository");
        int pid = cluster.PostmasterPid;
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, AsRole(cluster), repository);

        var hot = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));
        var cold = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartColdAsync(request, null, CancellationToken.None));

        foreach (var error in new[] { hot, cold })
        {
            Assert.Equal(Errors.BackupPrivilegeMissing.Id, error.ErrorId);
            Assert.Equal([$"GRANT pg_read_all_settings TO {Role};"], Grants(error.Message));
            Assert.Contains("data_directory", error.Message);
        }

        Assert.Equal(pid, cluster.PostmasterPid);
        Assert.False(Directory.Exists(repository));
        cluster.Execute($"GRANT pg_read_all_settings TO {Role}");
        Assert.Equal(BackupSetStatus.Complete, (await DatabaseBackup.StartColdAsync(request, null, CancellationToken.None)).Status);
        Assert.True(cluster.IsRunning);
    }

    private static string AsRole(PostgresCluster cluster) => cluster.ConnectionString.Replace("Username=postgres", $"Username={Role}", StringComparison.Ordinal);

    private static IEnumerable<string> Grants(string message) => GrantStatement().Matches(message).Select(m => m.Value);

    [GeneratedRegex("GRANT [^;]+;")]
    private static partial Regex GrantStatement();
}
