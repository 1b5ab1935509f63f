using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Issue 14, the WAL archive commands end to end with a real PostgreSQL 15 server: its archive_command is
/// the CLI's backup-walsegment, Start-HotBackup finds the archive in that command and takes the set's WAL
/// from the .zst files, and Restore-BackupSet from the CLI writes a restore_command that calls the CLI's
/// restore-walsegment, through which the restored server recovers every row committed after the backup;
/// Test-BackupSet -Restore (whose restore_command has no CLI to name) passes on such a set. Encrypted: the
/// archive_command gives a key file, Start-HotBackup reads the archive with the set's own key (and refuses to
/// start without it), and the restore_command passes the key file on.
/// </summary>
[Trait("Front", "NativeCli")]
public sealed class PostgreSqlWalArchiveTests
{
    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.Zstd)]
    public async Task A_server_archiving_with_Backup_WalSegment_is_restored_through_Restore_WalSegment_with_every_committed_row(ArchiveCompression compression)
    {
        using var temp = new TempDirectory("bkc-pg-walarchive-");
        using var source = PostgresCluster.Create(temp.Path);
        string archive = temp.CreateDirectory("wal-archive");
        PostgresCluster.GiveToServerUser(archive);
        string push = string.Join(' ', CliProcess.Launcher.Select(BackupEngine.ShellQuote)) + $" backup-walsegment --path %p --archive-path {archive}";
        source.Execute($"ALTER SYSTEM SET archive_command = '{push.Replace("'", "''", StringComparison.Ordinal)}'");
        source.Execute("SELECT pg_reload_conf()");
        source.Execute("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT g, repeat('before ', 20) FROM generate_series(1, 2000) g");

        var set = await BackUpAsync(source, new StartBackupRequest(DatabaseEngine.PostgreSql, source.ConnectionString, temp.Combine("repository")) { Compression = compression });

        string last = WriteAfterTheSet(source);
        var manifest = ManifestStore.Read(set.Path);
        string destination = temp.Combine("restored");
        var restore = CliProcess.Run("Restore-BackupSet", "--path", set.Path, "--destination-path", destination);

        Assert.Equal(archive, manifest.RedoArchive);
        Assert.Contains(Directory.EnumerateFiles(archive), f => f.EndsWith(last + ".zst", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFiles(archive), f => !f.EndsWith(".zst", StringComparison.Ordinal));
        var trial = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path) { Restore = true }, null, CancellationToken.None);
        Assert.True(trial.Passed, trial.RestoreTest?.Detail);
        restore.EnsureSuccess("Restore-BackupSet");
        string autoConf = File.ReadAllText(Path.Combine(destination, "postgresql.auto.conf"));
        Assert.Contains($"restore-walsegment --name %f --destination-path %p --force --archive-path ''{archive}''", autoConf);

        using var restored = RecoveredFromTheArchive(temp, destination, last);
        Assert.Equal(2500, restored.Scalar<long>("SELECT max(id) FROM t"));
        string log = File.ReadAllText(restored.LogPath);
        Assert.DoesNotContain("Sha256", log + File.ReadAllText(source.LogPath));
    }

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.Zstd)]
    public async Task A_server_archiving_into_an_encrypted_archive_is_restored_through_Restore_WalSegment_with_the_key_file(ArchiveCompression setFiles)
    {
        using var temp = new TempDirectory("bkc-pg-walcrypt-");
        using var source = PostgresCluster.Create(temp.Path);
        string archive = temp.CreateDirectory("wal-archive");
        PostgresCluster.GiveToServerUser(archive);
        string keyFile = temp.WriteFile("keys/wal.key", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        BackupCmdlets.Engine.IO.UnixFileSystem.SetPermissions(keyFile, 0x180);
        PostgresCluster.GiveToServerUser(keyFile);
        string push = string.Join(' ', CliProcess.Launcher.Select(BackupEngine.ShellQuote)) + $" backup-walsegment --path %p --archive-path {archive} --encryption-key-file {keyFile}";
        source.Execute($"ALTER SYSTEM SET archive_command = '{push.Replace("'", "''", StringComparison.Ordinal)}'");
        source.Execute("SELECT pg_reload_conf()");
        source.Execute("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT g, repeat('before ', 20) FROM generate_series(1, 2000) g");
        string first = source.Scalar<string>("SELECT pg_walfile_name(pg_current_wal_lsn())");
        source.Execute("SELECT pg_switch_wal()");
        WaitUntilArchived(source, first);

        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, source.ConnectionString, temp.Combine("repository"));
        var withoutKey = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));
        // The archive's files are opened with its key, then stored in the set (compressed first with -Compression Zstd) under the set's.
        var set = await BackUpAsync(source, request with { EncryptionKeyFile = keyFile, Format = BackupFormat.Plain, Compression = setFiles });
        Assert.All(ManifestStore.Read(set.Path).Files.Where(f => f.Path.StartsWith("wal/", StringComparison.Ordinal)), f => Assert.True(File.ReadAllBytes(Path.Combine(set.Path, f.Path)).AsSpan().StartsWith("BCSEAL01"u8), f.Path));

        string last = WriteAfterTheSet(source);
        string destination = temp.Combine("restored");
        var withoutKeyFile = CliProcess.Run("Restore-BackupSet", "--path", set.Path, "--destination-path", temp.Combine("not-restored"));
        var restore = CliProcess.Run("Restore-BackupSet", "--path", set.Path, "--destination-path", destination, "--encryption-key-file", keyFile);
        string passphraseArchive = temp.CreateDirectory("passphrase-archive");
        var passphrase = new System.Security.SecureString();
        foreach (char c in "a passphrase")
        {
            passphrase.AppendChar(c);
        }

        await BackupEngine.BackupWalSegmentAsync(new BackupWalSegmentRequest(temp.WriteFile("wal/00000002.history", "1\t0/3000000\tno recovery target specified\n"), passphraseArchive) { EncryptionKey = passphrase }, CancellationToken.None);
        var passphraseOnly = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.RestoreBackupSetAsync(
            new RestoreBackupSetRequest(set.Path, temp.Combine("not-restored-2")) { EncryptionKeyFile = keyFile, WalArchivePath = passphraseArchive }, null, CancellationToken.None));

        Assert.Equal(Errors.EncryptionKeyRequired.Id, withoutKey.ErrorId);
        Assert.Equal(1, withoutKeyFile.ExitCode);
        Assert.Contains("error EncryptionKeyRequired", withoutKeyFile.StandardError);
        Assert.False(Directory.Exists(temp.Combine("not-restored")));
        Assert.Equal(Errors.EncryptionKeyRequired.Id, passphraseOnly.ErrorId);
        Assert.Contains("cannot carry", passphraseOnly.Message);
        Assert.False(Directory.Exists(temp.Combine("not-restored-2")));
        Assert.Single(Directory.EnumerateDirectories(temp.Combine("repository")));
        Assert.Contains(Path.Combine(archive, "backupcmdlets-archive.json"), Directory.EnumerateFiles(archive));
        Assert.All(
            Directory.EnumerateFiles(archive).Where(f => f.EndsWith(".zst", StringComparison.Ordinal)),
            f => Assert.True(File.ReadAllBytes(f).AsSpan().StartsWith("BCSEAL01"u8), f));
        Assert.Contains(Directory.EnumerateFiles(archive), f => f.EndsWith(last + ".zst", StringComparison.Ordinal));
        restore.EnsureSuccess("Restore-BackupSet");
        string autoConf = File.ReadAllText(Path.Combine(destination, "postgresql.auto.conf"));
        Assert.Contains($"restore-walsegment --name %f --destination-path %p --force --archive-path ''{archive}'' --encryption-key-file ''{keyFile}''", autoConf);

        using var restored = RecoveredFromTheArchive(temp, destination, last);
    }

    /// <summary>A server started on the restored <paramref name="destination"/> once it has recovered every row, the last segment (<paramref name="last"/>) through the archive's restore_command, which wrote nothing to the log.</summary>
    private static PostgresCluster RecoveredFromTheArchive(TempDirectory temp, string destination, string last)
    {
        string root = temp.CreateDirectory("restored-server");
        PostgresCluster.GiveToServerUser(root);
        var restored = PostgresCluster.Attach(root, destination);
        try
        {
            restored.Start();
            restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            Assert.Equal(2500, restored.Scalar<long>("SELECT count(*) FROM t"));
            Assert.Equal(500, restored.Scalar<long>("SELECT count(*) FROM t WHERE note = 'after'"));
            string log = File.ReadAllText(restored.LogPath);
            Assert.Contains($"restored log file \"{last}\" from archive", log);
            Assert.DoesNotContain("backupcmdlets:", log);
            return restored;
        }
        catch
        {
            restored.Dispose();
            throw;
        }
    }

    /// <summary>A hot backup of <paramref name="source"/>; a failure shows the server's log.</summary>
    private static async Task<BackupSet> BackUpAsync(PostgresCluster source, StartBackupRequest request)
    {
        try
        {
            return await DatabaseBackup.StartHotAsync(request, null, CancellationToken.None);
        }
        catch (BackupException ex)
        {
            Assert.Fail($"{ex.Message}\n{File.ReadAllText(source.LogPath)}");
            throw;
        }
    }

    /// <summary>Rows written after the set in five segments, each switched and archived (recovery reads them from the archive); answers the last one's name.</summary>
    private static string WriteAfterTheSet(PostgresCluster source)
    {
        for (int i = 0; i < 5; i++)
        {
            source.Execute($"INSERT INTO t SELECT g, 'after' FROM generate_series({2001 + (i * 100)}, {2000 + ((i + 1) * 100)}) g");
            source.Execute("SELECT pg_switch_wal()");
        }

        string last = source.Scalar<string>("SELECT pg_walfile_name(pg_current_wal_lsn() - 1)");
        WaitUntilArchived(source, last);
        return last;
    }

    private static void WaitUntilArchived(PostgresCluster cluster, string segment)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (string.CompareOrdinal(cluster.Scalar<string>("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), segment) < 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{segment} was not archived in time:\n" + File.ReadAllText(cluster.LogPath));
            Thread.Sleep(100);
        }
    }
}
