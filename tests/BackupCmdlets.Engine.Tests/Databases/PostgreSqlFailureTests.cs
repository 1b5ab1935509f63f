using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue items 3 to 6: corruption on the source, archiving off, cancel during the copy, a cold backup whose copy fails.</summary>
public sealed class PostgreSqlFailureTests
{
    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.Zstd)]
    public async Task A_page_corrupted_on_the_source_is_reported_with_file_and_block_and_the_set_is_marked_failed(ArchiveCompression compression)
    {
        using var temp = new TempDirectory("bkc-pg-corrupt-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE victim AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 20000) g; CHECKPOINT");
        string relative = cluster.Scalar<string>("SELECT pg_relation_filepath('victim')");
        cluster.Stop();

        string file = Path.Combine(cluster.DataDirectory, relative);
        byte[] bytes = File.ReadAllBytes(file);
        for (int page = 0; page < bytes.Length / 8192; page++)
        {
            var span = bytes.AsSpan(page * 8192, 8192);
            Assert.Equal(PageChecksum.Stored(span), PageChecksum.Compute(span, (uint)page));
        }

        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 3 * 8192 + 4000;
            stream.Write("CORRUPTED-BY-TEST"u8);
        }

        cluster.Start();
        string repository = temp.CreateDirectory("repository");
        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { Compression = compression }, null, CancellationToken.None);

        Assert.Equal(compression == ArchiveCompression.Zstd, File.Exists(Path.Combine(set.Path, "data.tar.zst")));
        Assert.Equal(BackupSetStatus.Failed, set.Status);
        Assert.Equal(1, set.CorruptBlocks);
        var problem = Assert.Single(set.Problems);
        Assert.Equal(Errors.CorruptBlock.Id, problem.ErrorId);
        Assert.Equal("data/" + relative, problem.Path);
        Assert.Contains("block 3", problem.Message);
        var finding = Assert.Single(ManifestStore.Read(set.Path).BlockChecks.Findings);
        Assert.Equal(3, finding.Block);

        var listed = Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository)));
        Assert.Equal(BackupSetStatus.Failed, listed.Status);
        var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.BackupSetMarkedFailed.Id);
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, temp.Combine("restored")), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetMarkedFailed.Id, restore.ErrorId);
    }

    [Fact]
    public async Task With_archiving_off_the_backup_is_refused_no_backup_mode_is_left_and_no_set_is_written()
    {
        using var temp = new TempDirectory("bkc-pg-noarchive-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        string repository = temp.Combine("repository");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString + $";Password={HotBackupScenario.Secret}", repository);

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.WalArchivingOff.Id, error.ErrorId);
        Assert.Contains("archive_mode", error.Message);
        Assert.DoesNotContain(HotBackupScenario.Secret, error.Message);
        await using (var other = cluster.Open())
        {
            await using var start = new NpgsqlCommand("SELECT pg_backup_start('after refusal', true)", other);
            await start.ExecuteScalarAsync();
            await using var stop = new NpgsqlCommand("SELECT lsn FROM pg_backup_stop(false)", other);
            await stop.ExecuteScalarAsync();
        }

        Assert.False(Directory.Exists(repository) && Directory.EnumerateFileSystemEntries(repository).Any());
    }

    [Fact]
    public async Task With_wal_level_minimal_the_backup_is_refused()
    {
        using var temp = new TempDirectory("bkc-pg-minimal-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false, walLevel: "minimal");
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.Combine("repository")), null, CancellationToken.None));
        Assert.Equal(Errors.WalLevelMinimal.Id, error.ErrorId);
        Assert.False(Directory.Exists(temp.Combine("repository")));
    }

    [Fact]
    public async Task Cancel_during_the_copy_ends_backup_mode_and_leaves_an_incomplete_set_without_manifest()
    {
        using var temp = new TempDirectory("bkc-pg-cancel-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 300000) g");
        string repository = temp.CreateDirectory("repository");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Status == "Copying" && p.BytesDone > 0)
            {
                cancel.Cancel();
            }
        });
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { Label = "cancelled-by-test", ThrottleLimit = 1 };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DatabaseBackup.StartHotAsync(request, progress, cancel.Token));

        // pg_backup_stop ran: the server wrote the backup history file for our label, and archives it
        // (the stop call does not wait for the archive, so allow the archiver a moment).
        Assert.True(await ArchivedBackupHistoryAsync(cluster.ArchiveDirectory, "LABEL: cancelled-by-test"), "no archived backup history file names the cancelled backup");
        var set = Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository)));
        Assert.Equal(BackupSetStatus.Incomplete, set.Status);
        Assert.False(File.Exists(Path.Combine(set.Path, "manifest.json")));
        var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);
        Assert.False(test.Passed);
        Assert.Equal(Errors.BackupSetIncomplete.Id, Assert.Single(test.Problems).ErrorId);
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, temp.Combine("restored")), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetIncomplete.Id, restore.ErrorId);
    }

    [Fact]
    public async Task A_cold_backup_whose_destination_fills_up_fails_clearly_and_the_server_runs_afterwards()
    {
        Assert.True(UnixFileSystem.IsRoot, "this test mounts a small tmpfs, which needs root (CI runs as root)");
        using var temp = new TempDirectory("bkc-pg-coldfail-");
        using var cluster = PostgresCluster.Create(temp.Path);
        string full = temp.CreateDirectory("full");
        ExternalTool.Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", full).EnsureSuccess("mount tmpfs");
        try
        {
            int pidBefore = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First());
            var error = await Assert.ThrowsAsync<BackupException>(() =>
                DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, full), null, CancellationToken.None));

            Assert.Equal(Errors.BackupCopyFailed.Id, error.ErrorId);
            Assert.Matches("(?i)space|full", error.Message);
            Assert.True(cluster.IsRunning);
            Assert.Equal(1, cluster.Scalar<int>("SELECT 1"));
            int pidAfter = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First());
            Assert.NotEqual(pidBefore, pidAfter);
            Assert.All(Directory.EnumerateDirectories(full), set => Assert.False(File.Exists(Path.Combine(set, "manifest.json"))));
        }
        finally
        {
            ExternalTool.Run("umount", full);
        }
    }

    [Fact]
    public async Task An_unwritable_repository_fails_before_the_server_is_stopped()
    {
        using var temp = new TempDirectory("bkc-pg-coldro-");
        using var cluster = PostgresCluster.Create(temp.Path);
        string file = temp.WriteFile("not-a-folder", "x");
        int pidBefore = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First());
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, file), null, CancellationToken.None));
        Assert.Equal(Errors.BackupDestinationNotWritable.Id, error.ErrorId);
        Assert.Equal(pidBefore, int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First()));
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    public async Task A_cold_backup_restores_and_starts_without_recovery(ArchiveCompression compression)
    {
        using var temp = new TempDirectory("bkc-pg-cold-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 12345) g");
        string repository = temp.CreateDirectory("repository");

        var set = await DatabaseBackup.StartColdAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { Compression = compression }, null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(compression == ArchiveCompression.GZip, File.Exists(Path.Combine(set.Path, "data.tar.gz")));
        Assert.Equal(BackupKind.Cold, set.Kind);
        Assert.True(set.BlocksChecked > 100);
        Assert.True(cluster.IsRunning);
        var restored = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, temp.Combine("restored", "data")), null, CancellationToken.None);
        Assert.False(restored.RecoveryConfigured);
        Assert.False(File.Exists(temp.Combine("restored", "data", "recovery.signal")));
        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", restored.DestinationPath).EnsureSuccess("pg_checksums --check");
        using var second = PostgresCluster.Attach(temp.Combine("restored"), restored.DestinationPath);
        second.Start("-c archive_mode=off");
        Assert.Equal(12345, second.Scalar<long>("SELECT count(*) FROM t"));
        Assert.False(second.Scalar<bool>("SELECT pg_is_in_recovery()"));
    }

    [Fact]
    public async Task The_password_comes_from_the_credential_and_never_appears_in_an_error_or_the_manifest()
    {
        using var temp = new TempDirectory("bkc-pg-password-");
        using var cluster = PostgresCluster.Create(temp.Path);
        const string password = "Pw-for-the-test-7731";
        cluster.Execute($"ALTER ROLE postgres PASSWORD '{password}'");
        File.WriteAllText(Path.Combine(cluster.DataDirectory, "pg_hba.conf"), "local all all scram-sha-256\n");
        cluster.Execute("SELECT pg_reload_conf()");
        string noPassword = cluster.ConnectionString;
        string repository = temp.Combine("repository");

        var wrong = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, noPassword, repository) { Credential = new System.Net.NetworkCredential("postgres", "wrong-" + password) }, null, CancellationToken.None));
        Assert.Equal(Errors.DatabaseConnectionFailed.Id, wrong.ErrorId);
        Assert.DoesNotContain(password, wrong.ToString());

        var set = await DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, noPassword, repository) { Credential = new System.Net.NetworkCredential("postgres", password) }, null, CancellationToken.None);
        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.DoesNotContain(password, File.ReadAllText(ManifestStore.PathIn(set.Path)));
        Assert.DoesNotContain(password, File.ReadAllText(Path.Combine(set.Path, "data", "backup_label")));
    }

    [Fact]
    public async Task An_archive_folder_that_cannot_be_found_is_refused_before_backup_mode()
    {
        using var temp = new TempDirectory("bkc-pg-noarchivedir-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("ALTER SYSTEM SET archive_command = '/bin/true'");
        cluster.Execute("SELECT pg_reload_conf()");
        string repository = temp.Combine("repository");
        var unreadable = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository), null, CancellationToken.None));
        Assert.Equal(Errors.WalArchiveNotFound.Id, unreadable.ErrorId);
        Assert.Contains("-WalArchivePath", unreadable.Message);
        var absent = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { WalArchivePath = temp.Combine("absent") }, null, CancellationToken.None));
        Assert.Equal(Errors.WalArchiveNotFound.Id, absent.ErrorId);
        Assert.False(Directory.Exists(repository));
    }

    [Fact]
    public async Task Losing_the_backup_session_during_the_copy_is_a_loud_EndBackupFailed_naming_the_scope()
    {
        using var temp = new TempDirectory("bkc-pg-lostsession-");
        using var cluster = PostgresCluster.Create(temp.Path);
        string repository = temp.CreateDirectory("repository");
        bool terminated = false;
        var progress = new SynchronousProgress(p =>
        {
            if (!terminated && p.Status == "Copying")
            {
                terminated = true;
                cluster.Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'BackupCmdlets'");
            }
        });

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { ThrottleLimit = 1 }, progress, CancellationToken.None));

        Assert.True(terminated);
        Assert.Equal(Errors.EndBackupFailed.Id, error.ErrorId);
        Assert.Equal("cluster", error.Path);
        var set = Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository)));
        Assert.Equal(BackupSetStatus.Incomplete, set.Status);
    }

    private static async Task<bool> ArchivedBackupHistoryAsync(string archive, string label)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (Directory.EnumerateFiles(archive, "*.backup").Select(File.ReadAllText).Any(h => h.Contains(label) && h.Contains("STOP WAL LOCATION")))
            {
                return true;
            }
        }

        return false;
    }
}
