using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 12, item 12: waiting for the WAL to reach the archive ends as soon as pg_stat_archiver shows the
/// archiver failing, lasts at most -ArchiveTimeout otherwise, and names the folder it searched.
/// </summary>
public sealed class PostgreSqlArchiveWaitTests
{
    [Fact]
    public async Task A_failing_archive_command_fails_the_backup_within_seconds_with_its_own_error()
    {
        using var temp = new TempDirectory("bkc-pg-archfail-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("ALTER SYSTEM SET archive_command = 'exit 1'");
        cluster.Execute("SELECT pg_reload_conf()");
        string repository = temp.Combine("repository");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { WalArchivePath = cluster.ArchiveDirectory };
        Assert.Equal(60, request.ArchiveTimeout);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.WalArchivingFailed.Id, error.ErrorId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the backup failed after {clock.Elapsed}, not at once");
        Assert.Contains(cluster.ArchiveDirectory, error.Message);
        Assert.Matches("[0-9A-F]{24}", error.Message);
        Assert.Equal(BackupSetStatus.Incomplete, Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository))).Status);
    }

    [Fact]
    public async Task A_wrong_WalArchivePath_fails_after_the_ArchiveTimeout_naming_the_folder_it_searched()
    {
        using var temp = new TempDirectory("bkc-pg-archpath-");
        using var cluster = PostgresCluster.Create(temp.Path);
        string elsewhere = temp.CreateDirectory("not-the-archive");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.Combine("repository"))
        {
            WalArchivePath = elsewhere,
            ArchiveTimeout = 3,
        };
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.WalSegmentNotInArchive.Id, error.ErrorId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the backup failed after {clock.Elapsed}, not after the 3 s asked for");
        Assert.Contains($"'{elsewhere}'", error.Message);
        Assert.Contains("-WalArchivePath", error.Message);
        string segment = System.Text.RegularExpressions.Regex.Match(error.Message, "[0-9A-F]{24}").Value;
        Assert.True(File.Exists(Path.Combine(cluster.ArchiveDirectory, segment)), $"{segment} is not in the server's real archive either");
    }
}
