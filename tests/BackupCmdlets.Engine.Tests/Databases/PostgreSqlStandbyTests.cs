using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue 12, item 11: a hot backup is taken from a primary only; a standby is refused before anything is copied.</summary>
public sealed class PostgreSqlStandbyTests
{
    [Fact]
    public async Task A_hot_backup_of_a_streaming_standby_is_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory("bkc-pg-standby-");
        using var primary = PostgresCluster.Create(temp.Path, name: "primary");
        primary.Execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
        using var standby = primary.CreateStandby(temp.Path, "standby");
        Assert.True(standby.Scalar<bool>("SELECT pg_is_in_recovery()"));
        Assert.Equal(1000, standby.Scalar<long>("SELECT count(*) FROM t"));
        string repository = temp.Combine("repository");

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, standby.ConnectionString, repository) { WalArchivePath = primary.ArchiveDirectory },
            null,
            CancellationToken.None));

        Assert.Equal(Errors.StandbyBackupNotSupported.Id, error.ErrorId);
        Assert.Contains("primary", error.Message);
        Assert.False(Directory.Exists(repository));
        Assert.True(standby.Scalar<bool>("SELECT pg_is_in_recovery()"));
    }
}
