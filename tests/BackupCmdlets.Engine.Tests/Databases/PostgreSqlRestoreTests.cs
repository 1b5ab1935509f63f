using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;
using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Restores that cannot lose data, against a real server (issue 12, items 1-6): recovery to a point
/// after the set through the WAL archive, targets the WAL cannot reach refused before anything is
/// written, never over a running server or the source's tablespace, one block of recovery settings
/// that replaces an earlier restore's, archiving off by default, and every restored file fsynced.
/// </summary>
public sealed class PostgreSqlRestoreTests(PostgreSqlRestoreTests.Scenario scenario) : IClassFixture<PostgreSqlRestoreTests.Scenario>
{
    [Fact]
    public void A_recovery_target_LSN_after_the_set_recovers_exactly_the_rows_committed_up_to_it()
    {
        using var restored = scenario.RestoreAndStart("lsn", r => r with { RecoveryTargetLsn = scenario.Commits[119].Lsn });

        Assert.Equal(120, restored.Scalar<long>("SELECT count(*) FROM after_backup"));
        Assert.Equal(120, restored.Scalar<long>("SELECT max(id) FROM after_backup"));
    }

    [Fact]
    public void A_recovery_target_time_after_the_set_recovers_exactly_the_rows_committed_before_it()
    {
        using var restored = scenario.RestoreAndStart("time", r => r with { RecoveryTargetTime = scenario.Commits[119].After });

        Assert.Equal(120, restored.Scalar<long>("SELECT count(*) FROM after_backup"));
        Assert.Equal(120, restored.Scalar<long>("SELECT max(id) FROM after_backup"));
    }

    [Theory]
    [InlineData("lsn-past-the-archive", nameof(Errors.RecoveryTargetNotReachable))]
    [InlineData("time-past-the-archive", nameof(Errors.RecoveryTargetNotReachable))]
    [InlineData("lsn-before-consistency", nameof(Errors.RecoveryTargetBeforeConsistency))]
    [InlineData("time-before-consistency", nameof(Errors.RecoveryTargetBeforeConsistency))]
    public async Task A_target_the_WAL_cannot_reach_is_refused_before_anything_is_written(string target, string errorId)
    {
        var manifest = ManifestStore.Read(scenario.Set.Path);
        var request = new RestoreBackupSetRequest(scenario.Set.Path, scenario.PathOf($"unreachable-{target}")) { TablespaceMapping = scenario.NewTablespace($"unreachable-{target}") };
        request = target switch
        {
            "lsn-past-the-archive" => request with { RecoveryTargetLsn = scenario.UnarchivedLsn },
            "time-past-the-archive" => request with { RecoveryTargetTime = DateTimeOffset.UtcNow.AddMinutes(5) },
            "lsn-before-consistency" => request with { RecoveryTargetLsn = manifest.StartPosition },
            _ => request with { RecoveryTargetTime = scenario.Set.StartTime.AddSeconds(-1) },
        };

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(request, null, CancellationToken.None));

        Assert.Equal(errorId, error.ErrorId);
        Assert.False(Directory.Exists(request.DestinationPath));
    }

    [Fact]
    public async Task Restore_never_writes_over_a_running_server_even_with_Force()
    {
        long before = scenario.Source.Scalar<long>("SELECT count(*) FROM after_backup");
        var request = new RestoreBackupSetRequest(scenario.Set.Path, scenario.Source.DataDirectory) { Force = true, TablespaceMapping = scenario.NewTablespace("over-live") };

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.RestoreServerRunning.Id, error.ErrorId);
        Assert.Equal(before, scenario.Source.Scalar<long>("SELECT count(*) FROM after_backup"));
        Assert.True(File.Exists(Path.Combine(scenario.Source.DataDirectory, "PG_VERSION")));
    }

    [Fact]
    public async Task Restore_never_writes_into_the_source_tablespace_even_with_Force()
    {
        string before = string.Join('\n', Directory.EnumerateFiles(scenario.TablespaceFolder, "*", SearchOption.AllDirectories).Order());
        var unmapped = new RestoreBackupSetRequest(scenario.Set.Path, scenario.PathOf("unmapped")) { Force = true };
        var mappedIntoLive = unmapped with { DestinationPath = scenario.PathOf("mapped-into-live"), TablespaceMapping = new Dictionary<string, string> { ["ts1"] = scenario.TablespaceFolder } };

        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(unmapped, null, CancellationToken.None));
        var inUse = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(mappedIntoLive, null, CancellationToken.None));

        Assert.Equal(Errors.TablespaceMappingRequired.Id, refused.ErrorId);
        Assert.Equal(Errors.RestoreTargetInUse.Id, inUse.ErrorId);
        Assert.Equal(before, string.Join('\n', Directory.EnumerateFiles(scenario.TablespaceFolder, "*", SearchOption.AllDirectories).Order()));
        Assert.False(Directory.Exists(unmapped.DestinationPath));
        Assert.False(Directory.Exists(mappedIntoLive.DestinationPath));
        Assert.Equal(50, scenario.Source.Scalar<long>("SELECT count(*) FROM in_ts"));
    }

    [Fact]
    public async Task A_second_restore_replaces_the_settings_of_the_first_and_a_copy_archives_nothing_by_default()
    {
        string destination = scenario.PathOf("again");
        var mapping = scenario.NewTablespace("again");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Set.Path, destination) { TablespaceMapping = mapping, RecoveryTargetLsn = scenario.Commits[10].Lsn }, null, CancellationToken.None);
        var second = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Set.Path, destination) { TablespaceMapping = mapping, Force = true }, null, CancellationToken.None);

        string autoConf = File.ReadAllText(Path.Combine(destination, "postgresql.auto.conf"));
        Assert.DoesNotContain("recovery_target", autoConf);
        Assert.Single(autoConf.Split('\n'), l => l.StartsWith("restore_command", StringComparison.Ordinal));
        Assert.Contains("archive_mode = 'off'", autoConf);
        Assert.Equal("off", second.Archiving);
        Assert.Equal(scenario.Source.ArchiveDirectory, second.WalArchive);

        using var copy = scenario.Start("again", destination);
        copy.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(200, copy.Scalar<long>("SELECT count(*) FROM after_backup"));
        copy.Execute("SELECT pg_switch_wal(); CHECKPOINT;");
        Thread.Sleep(500);
        Assert.Empty(Directory.EnumerateFiles(scenario.Source.ArchiveDirectory, "00000002*"));
    }

    [Fact]
    public async Task A_backup_of_a_promoted_copy_restores_without_the_target_the_copy_was_restored_with()
    {
        string copyData = scenario.PathOf("promoted");
        string copyArchive = scenario.PathOf("promoted-archive");
        await BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(scenario.Set.Path, copyData) { TablespaceMapping = scenario.NewTablespace("promoted"), RecoveryTargetLsn = scenario.Commits[49].Lsn, ArchiveMode = RestoreArchiveMode.Redirect, ArchivePath = copyArchive },
            null,
            CancellationToken.None);
        PostgresCluster.GiveToServerUser(copyArchive);
        using var copy = scenario.Start("promoted", copyData);
        copy.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        copy.Execute("INSERT INTO after_backup SELECT g, now() FROM generate_series(1000, 1009) g");
        var ofCopy = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, copy.ConnectionString, scenario.PathOf("promoted-repository")), null, CancellationToken.None);
        copy.Dispose();

        string again = scenario.PathOf("promoted-again");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(ofCopy.Path, again) { TablespaceMapping = scenario.NewTablespace("promoted-again") }, null, CancellationToken.None);

        Assert.DoesNotContain("recovery_target", File.ReadAllText(Path.Combine(again, "postgresql.auto.conf")));
        using var restoredAgain = scenario.Start("promoted-again", again);
        restoredAgain.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(60, restoredAgain.Scalar<long>("SELECT count(*) FROM after_backup"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    public void Every_restored_file_is_fsynced_after_its_last_write(string which)
    {
        var set = which == "plain" ? scenario.Set : scenario.GzipSet;
        string destination = scenario.PathOf($"fsynced-{which}");
        string tablespace = scenario.PathOf($"fsynced-{which}-ts");

        var outcome = FsyncTrace.Run(scenario.PathOf($"fsync-{which}.trace"), [destination, tablespace],
            "Restore-BackupSet", "--path", set.Path, "--destination-path", destination, "--tablespace-mapping", $"ts1={tablespace}");

        Assert.True(outcome.Run.ExitCode == 0, outcome.Run.ToString());
        Assert.True(outcome.Written.Count > 500, $"{outcome.Written.Count} files written");
        Assert.Empty(outcome.NotSyncedAfterLastWrite);
    }

    /// <summary>
    /// A cluster with a tablespace and WAL archiving; one hot backup (and one gzip one); then 200
    /// single-row commits, each with its LSN and a time after it, all archived; then one more
    /// commit that stays in the current, not archived segment.
    /// </summary>
    public sealed class Scenario : PostgresScenario
    {
        public Scenario()
            : base("bkc-pg-restore-")
        {
            TablespaceFolder = PathOf(Path.Combine("pg", "ts1"));
            Directory.CreateDirectory(TablespaceFolder);
            PostgresCluster.GiveToServerUser(TablespaceFolder);
            Source.Execute($"CREATE TABLESPACE ts1 LOCATION '{TablespaceFolder}'");
            Source.Execute("CREATE TABLE in_ts (id int PRIMARY KEY) TABLESPACE ts1; INSERT INTO in_ts SELECT generate_series(1, 50)");
            Source.Execute("CREATE TABLE after_backup (id int PRIMARY KEY, at timestamptz NOT NULL)");
            Set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, Repository), null, CancellationToken.None).GetAwaiter().GetResult();
            GzipSet = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, Repository) { Compression = BackupCmdlets.Engine.Archiving.ArchiveCompression.GZip }, null, CancellationToken.None).GetAwaiter().GetResult();

            using var connection = Source.Open();
            for (int id = 1; id <= 200; id++)
            {
                using (var insert = new NpgsqlCommand($"INSERT INTO after_backup VALUES ({id}, clock_timestamp())", connection))
                {
                    insert.ExecuteNonQuery();
                }

                using var position = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text, clock_timestamp()", connection);
                using var reader = position.ExecuteReader();
                reader.Read();
                Commits.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
                reader.Close();
                Thread.Sleep(5);
            }

            string last = Source.Scalar<string>("SELECT pg_walfile_name(pg_switch_wal())");
            for (int i = 0; i < 600 && !File.Exists(Path.Combine(Source.ArchiveDirectory, last)); i++)
            {
                Thread.Sleep(100);
            }

            Source.Execute("INSERT INTO after_backup VALUES (201, clock_timestamp())");
            UnarchivedLsn = Source.Scalar<string>("SELECT pg_current_wal_lsn()::text");
        }

        public string TablespaceFolder { get; }

        public BackupSet Set { get; }

        public BackupSet GzipSet { get; }

        public List<(string Lsn, DateTimeOffset After)> Commits { get; } = [];

        public string UnarchivedLsn { get; }

        public Dictionary<string, string> NewTablespace(string name) => new() { ["ts1"] = PathOf(name + "-ts1") };

        /// <summary>Restores the set with <paramref name="configure"/> and starts a server on it, once recovery has ended.</summary>
        public PostgresCluster RestoreAndStart(string name, Func<RestoreBackupSetRequest, RestoreBackupSetRequest> configure)
        {
            var request = configure(new RestoreBackupSetRequest(Set.Path, PathOf(name)) { TablespaceMapping = NewTablespace(name) });
            BackupSetRestorer.RestoreAsync(request, null, CancellationToken.None).GetAwaiter().GetResult();
            var restored = Start(name, request.DestinationPath);
            restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            return restored;
        }
    }
}
