using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue items 1 and 2: a hot backup under write load restores, recovers and verifies.</summary>
public sealed class PostgreSqlHotBackupTests(HotBackupScenario scenario) : IClassFixture<HotBackupScenario>
{
    [Fact]
    public void Every_row_committed_before_pg_backup_stop_returned_is_in_the_recovered_copy()
    {
        Assert.Equal(BackupSetStatus.Complete, scenario.Set.Status);
        Assert.True(scenario.CommittedBeforeStopReturned > scenario.FirstBeforeBackup, "the writer committed rows during the backup");
        Assert.True(scenario.CommittedBeforeStopReturned >= scenario.CommittedBeforeStopCalled);
        Assert.Equal(scenario.CommittedBeforeStopReturned, scenario.RestoredIds);
        Assert.Equal(scenario.RestoredMaxId, scenario.RestoredRowCount);
        Assert.True(scenario.RestoredMaxId <= scenario.LastWritten);
    }

    [Fact]
    public void The_second_server_reached_a_consistent_state_and_finished_recovery_from_the_set_WAL()
    {
        Assert.Contains("consistent recovery state reached", scenario.ServerLog);
        Assert.Contains("restored log file", scenario.ServerLog);
        Assert.Contains("archive recovery complete", scenario.ServerLog);
        Assert.Equal(150000L * 300001, scenario.RestoredBulkSum);
    }

    [Fact]
    public void The_tablespace_is_restored_at_its_remapped_location()
    {
        Assert.Equal(scenario.RestoredTablespace, scenario.RestoredTablespaceLocation);
        Assert.Equal(scenario.SourceCountInTablespace, scenario.RestoredCountInTablespace);
        Assert.Contains(scenario.RestoredTablespace, scenario.Restore.TablespaceLocations);
        Assert.True(Directory.EnumerateFiles(scenario.RestoredTablespace, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void The_restored_stopped_cluster_passes_pg_checksums()
    {
        var result = PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", scenario.RestoredData);
        result.EnsureSuccess("pg_checksums --check");
        Assert.Contains("Bad checksums:  0", result.StandardOutput);
    }

    [Fact]
    public void Every_page_was_checked_and_progress_was_reported_in_bytes()
    {
        Assert.True(scenario.Set.BlocksChecked > 1000, $"{scenario.Set.BlocksChecked} pages checked");
        Assert.Equal(0, scenario.Set.CorruptBlocks);
        Assert.True(scenario.MaxBytesReported > 10_000_000, $"{scenario.MaxBytesReported} bytes reported");
    }

    [Fact]
    public void The_manifest_records_the_set_and_no_secret()
    {
        var manifest = ManifestStore.Read(scenario.Set.Path);
        string json = File.ReadAllText(ManifestStore.PathIn(scenario.Set.Path));
        Assert.DoesNotContain(HotBackupScenario.Secret, json);
        Assert.Equal(DatabaseEngine.PostgreSql, manifest.Engine);
        Assert.Equal(BackupKind.Hot, manifest.Kind);
        Assert.Matches("^[0-9]+$", manifest.Database.Identity);
        Assert.StartsWith("15", manifest.Database.ServerVersion);
        Assert.NotNull(manifest.StartPosition);
        Assert.NotNull(manifest.StopPosition);
        Assert.Equal(1, manifest.Timeline);
        Assert.Contains(manifest.Files, f => f.Path == "data/backup_label");
        Assert.Contains(manifest.Files, f => f.Path == "data/tablespace_map");
        Assert.DoesNotContain(manifest.Files, f => f.Path.StartsWith("data/pg_wal/0", StringComparison.Ordinal) || f.Path == "data/postmaster.pid");
        Assert.NotEmpty(manifest.RedoFiles);
        Assert.Single(manifest.Tablespaces);
        var scope = Assert.Single(manifest.Scopes);
        Assert.Equal(("cluster", manifest.StartPosition, manifest.StopPosition), (scope.Name, scope.StartPosition, scope.StopPosition));
        string label = File.ReadAllText(Path.Combine(scenario.Set.Path, "data", "backup_label"));
        Assert.Contains($"START WAL LOCATION: {manifest.StartPosition}", label);
    }

    [Fact]
    public async Task Test_BackupSet_passes_and_fails_naming_the_file_after_one_byte_changes()
    {
        var passed = await BackupSetVerifier.TestAsync(scenario.Set.Path, null, null, CancellationToken.None);
        Assert.True(passed.Passed, string.Join("\n", passed.Problems));
        Assert.True(passed.RedoComplete);

        using var copy = new TempDirectory();
        string setCopy = Path.Combine(copy.Path, Path.GetFileName(scenario.Set.Path));
        ExternalTool.Run("cp", "-a", scenario.Set.Path, setCopy).EnsureSuccess("cp -a");
        var victim = ManifestStore.Read(setCopy).Files.First(f => f.Path.StartsWith("data/base/", StringComparison.Ordinal) && f.Size > 8192);
        string victimPath = Path.Combine(setCopy, victim.Path);
        await using (var stream = new FileStream(victimPath, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 5000;
            int b = stream.ReadByte();
            stream.Position = 5000;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        var failed = await BackupSetVerifier.TestAsync(setCopy, null, null, CancellationToken.None);
        Assert.False(failed.Passed);
        var problem = Assert.Single(failed.Problems);
        Assert.Equal(victim.Path, problem.Path);
        Assert.Equal(Errors.BackupSetFileChanged.Id, problem.ErrorId);

        // Into an empty folder the restore hashes each file as it copies it: what it wrote before it met the damage goes again.
        var mapping = new Dictionary<string, string> { [ManifestStore.Read(setCopy).Tablespaces[0].Id] = copy.Combine("never-tablespace") };
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(setCopy, copy.Combine("never")) { TablespaceMapping = mapping }, null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed.Id, restore.ErrorId);
        Assert.Contains(victim.Path, restore.Message);
        Assert.False(Directory.Exists(copy.Combine("never")));
        Assert.False(Directory.Exists(copy.Combine("never-tablespace")));
    }

    [Fact]
    public async Task A_WAL_segment_missing_from_the_range_fails_Test_BackupSet()
    {
        using var copy = new TempDirectory();
        string setCopy = Path.Combine(copy.Path, "set");
        ExternalTool.Run("cp", "-a", scenario.Set.Path, setCopy).EnsureSuccess("cp -a");
        string first = ManifestStore.Read(setCopy).RedoFiles[0];
        File.Delete(Path.Combine(setCopy, first));
        var result = await BackupSetVerifier.TestAsync(setCopy, null, null, CancellationToken.None);
        Assert.False(result.Passed);
        Assert.False(result.RedoComplete);
        Assert.Contains(result.Problems, p => p.ErrorId == Errors.WalRangeIncomplete.Id && p.Path == first);
    }

    [Fact]
    public async Task Restore_refuses_a_non_empty_destination_without_Force()
    {
        using var target = new TempDirectory();
        File.WriteAllText(target.Combine("keep.txt"), "precious");
        var mapping = new Dictionary<string, string> { ["ts1"] = target.Combine("ts1") };
        var error = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Set.Path, target.Path) { TablespaceMapping = mapping }, null, CancellationToken.None));
        Assert.Equal(Errors.RestoreDestinationNotEmpty.Id, error.ErrorId);
        Assert.Equal("precious", File.ReadAllText(target.Combine("keep.txt")));
        Assert.Single(Directory.EnumerateFileSystemEntries(target.Path));
    }

    [Fact]
    public async Task A_restore_with_a_recovery_target_LSN_stops_there_and_promotes()
    {
        using var target = new TempDirectory("bkc-pg-target-");
        var manifest = ManifestStore.Read(scenario.Set.Path);
        var restore = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Set.Path, target.Combine("data")) { RecoveryTargetLsn = manifest.StopPosition, TablespaceMapping = new Dictionary<string, string> { [manifest.Tablespaces[0].Id] = target.Combine("ts1") } }, null, CancellationToken.None);
        Assert.Equal($"recovery_target_lsn = '{manifest.StopPosition}'", restore.RecoveryTarget);
        using var server = PostgresCluster.Attach(target.Path, restore.DestinationPath);
        server.Start("-c archive_mode=off");
        server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Contains($"recovery stopping after WAL location (LSN) \"{manifest.StopPosition}\"", File.ReadAllText(server.LogPath));
        Assert.True(server.Scalar<long>("SELECT count(*) FROM writes") >= scenario.CommittedBeforeStopCalled);
        server.Stop();
    }

    [Fact]
    public async Task A_bad_recovery_target_is_refused_before_anything_is_written()
    {
        using var target = new TempDirectory("bkc-pg-badtarget-");
        var error = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Set.Path, target.Combine("data")) { RecoveryTargetLsn = "not-an-lsn" }, null, CancellationToken.None));
        Assert.Equal(Errors.InvalidRecoveryTarget.Id, error.ErrorId);
        Assert.False(Directory.Exists(target.Combine("data")));
    }
}
