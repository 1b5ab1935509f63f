using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Hot backups and standbys: without -FromStandby a standby is refused before anything is copied
/// (issue 12); with it (issue 14) the files come from the standby, in backup mode there, and the set
/// restores to a cluster with every row the primary committed before the backup began; an incremental
/// set from the standby builds on the full set taken from it.
/// </summary>
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

    [Fact]
    public async Task A_backup_from_a_standby_restores_every_row_the_primary_committed_before_it_began()
    {
        using var temp = new TempDirectory("bkc-pg-standby-");
        using var primary = PostgresCluster.Create(temp.Path, name: "primary");
        primary.Execute("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT g, 'before the standby' FROM generate_series(1, 20000) g");
        using var standby = primary.CreateStandby(temp.Path, "standby");
        primary.Execute("INSERT INTO t SELECT g, 'streamed' FROM generate_series(20001, 30000) g");
        string expected = primary.Scalar<string>("SELECT count(*) || ' ' || md5(string_agg(id || note, ',' ORDER BY id)) FROM t");
        string repository = temp.Combine("repository");
        using var writer = new RowWriter(primary.ConnectionString);
        writer.WaitFor(200);
        long committedBeforeStart = writer.LastCommitted;

        var set = await DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, standby.ConnectionString, repository) { FromStandby = true, PrimaryConnectionString = primary.ConnectionString, WalArchivePath = primary.ArchiveDirectory },
            null,
            CancellationToken.None);
        long committedAtEnd = writer.Stop();

        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(standby.DataDirectory, manifest.Database.Location);
        Assert.DoesNotContain(manifest.Files, f => f.Path is "data/standby.signal" or "data/recovery.signal");
        Assert.Contains("BACKUP FROM: standby", File.ReadAllText(Path.Combine(set.Path, "data", "backup_label")), StringComparison.Ordinal);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);

        string data = temp.Combine("restored");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, data) { RecoverToConsistency = true }, null, CancellationToken.None);
        using var restored = PostgresCluster.StartOn(temp.Combine("restored-server"), data);
        restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.False(restored.Scalar<bool>("SELECT pg_is_in_recovery()"));
        Assert.Equal(expected, restored.Scalar<string>("SELECT count(*) || ' ' || md5(string_agg(id || note, ',' ORDER BY id)) FROM t WHERE id <= 30000"));
        long rows = restored.Scalar<long>("SELECT count(*) FROM writes");
        Assert.Equal(rows, restored.Scalar<long>("SELECT coalesce(max(id), 0) FROM writes"));
        Assert.InRange(rows, committedBeforeStart, committedAtEnd);
        Assert.True(standby.Scalar<bool>("SELECT pg_is_in_recovery()"));
    }

    [Fact]
    public async Task An_incremental_from_a_standby_builds_on_the_full_set_from_it_and_restores_the_rows_of_its_start()
    {
        using var temp = new TempDirectory("bkc-pg-standby-");
        using var primary = PostgresCluster.Create(temp.Path, name: "primary");
        primary.Execute("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT g, 'first' FROM generate_series(1, 20000) g");
        using var standby = primary.CreateStandby(temp.Path, "standby");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, standby.ConnectionString, temp.Combine("repository"))
        {
            FromStandby = true,
            PrimaryConnectionString = primary.ConnectionString,
            WalArchivePath = primary.ArchiveDirectory,
        };
        var full = await DatabaseBackup.StartHotAsync(request, null, CancellationToken.None);
        primary.Execute("UPDATE t SET note = 'changed' WHERE id % 10 = 0; INSERT INTO t SELECT g, 'added' FROM generate_series(20001, 25000) g");
        string expected = primary.Scalar<string>("SELECT count(*) || ' ' || md5(string_agg(id || note, ',' ORDER BY id)) FROM t");

        var incremental = await DatabaseBackup.StartHotAsync(request with { Type = BackupType.Incremental }, null, CancellationToken.None);

        Assert.Null(incremental.FullBackupReason);
        Assert.Equal((BackupType.Incremental, full.SetId), (incremental.Type, incremental.ParentSetId));
        Assert.Contains(ManifestStore.Read(incremental.Path).PageDeltas, d => d.StoredPath is not null);
        var test = await BackupSetVerifier.TestAsync(incremental.Path, null, null, CancellationToken.None);
        Assert.True(test.Passed, string.Join("; ", test.Problems));
        string data = temp.Combine("restored");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(incremental.Path, data) { RecoverToConsistency = true }, null, CancellationToken.None);
        using var restored = PostgresCluster.StartOn(temp.Combine("restored-server"), data);
        restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(expected, restored.Scalar<string>("SELECT count(*) || ' ' || md5(string_agg(id || note, ',' ORDER BY id)) FROM t"));
    }

    [Fact]
    public async Task From_a_standby_without_the_primary_or_from_a_primary_the_backup_is_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory("bkc-pg-standby-");
        using var primary = PostgresCluster.Create(temp.Path, name: "primary");
        using var standby = primary.CreateStandby(temp.Path, "standby");
        using var other = PostgresCluster.Create(temp.Path, name: "other");
        string repository = temp.Combine("repository");
        Task<BackupSet> Backup(string server, string? primaryServer) => DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, server, repository) { FromStandby = true, PrimaryConnectionString = primaryServer, WalArchivePath = primary.ArchiveDirectory },
            null,
            CancellationToken.None);

        var noPrimary = await Assert.ThrowsAsync<BackupException>(() => Backup(standby.ConnectionString, null));
        var notStandby = await Assert.ThrowsAsync<BackupException>(() => Backup(primary.ConnectionString, primary.ConnectionString));
        var otherCluster = await Assert.ThrowsAsync<BackupException>(() => Backup(standby.ConnectionString, other.ConnectionString));

        Assert.Equal(Errors.PrimaryConnectionRequired.Id, noPrimary.ErrorId);
        Assert.Equal(Errors.StandbyNotOfPrimary.Id, notStandby.ErrorId);
        Assert.Equal(Errors.StandbyNotOfPrimary.Id, otherCluster.ErrorId);
        Assert.False(Directory.Exists(repository));
    }
}
