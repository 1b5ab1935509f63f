using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Zstd sets: one zstd tar per data directory and tablespace and each WAL file one zstd frame, read by zstd and GNU tar, restored and recovered with and without the WAL archive.</summary>
public sealed class PostgreSqlZstdSetTests
{
    [Fact]
    public async Task A_hot_backup_as_zstd_tars_under_a_writer_restores_and_recovers_every_committed_row_and_the_archive_after_it()
    {
        using var temp = new TempDirectory("bkc-pg-zstd-");
        using var backup = await CompressedSetUnderWriter.TakeAsync(temp, ArchiveCompression.Zstd);
        var (cluster, set, committed) = (backup.Cluster, backup.Set, backup.Committed);
        cluster.Execute("CREATE TABLE after_backup AS SELECT 1 AS id");
        string last = cluster.Scalar<string>("SELECT pg_walfile_name(pg_switch_wal())");
        for (int i = 0; i < 600 && !File.Exists(Path.Combine(cluster.ArchiveDirectory, last)); i++)
        {
            Thread.Sleep(100);
        }

        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(["data.tar.zst", "tablespaces/" + manifest.Tablespaces[0].Id + ".tar.zst"], manifest.Archives.Select(a => a.Path));
        Assert.All(manifest.Archives, a => Assert.Equal(ArchiveCompression.Zstd, a.Compression));
        Assert.True(set.BlocksChecked > 100);
        Assert.True(manifest.RedoCompressed);
        Assert.Equal(ArchiveCompression.Zstd, manifest.RedoCompression);
        Assert.NotEmpty(manifest.RedoFiles);
        Assert.All(manifest.RedoFiles, f => Assert.EndsWith(".zst", f));
        foreach (string file in manifest.Archives.Select(a => a.Path).Concat(manifest.RedoFiles))
        {
            ExternalTool.Run("zstd", "-t", Path.Combine(set.Path, file)).EnsureSuccess($"zstd -t {file}");
        }

        string listing = ExternalTool.Run("tar", "--zstd", "-tf", Path.Combine(set.Path, "data.tar.zst")).EnsureSuccess("GNU tar --zstd -tf").StandardOutput;
        Assert.Contains("PG_VERSION", listing);
        Assert.Contains("global/pg_control", listing);
        Assert.DoesNotContain("postmaster.pid", listing);
        Assert.DoesNotMatch("pg_wal/0000", listing);
        var listed = Assert.Single(BackupRepository.List(new GetBackupSetRequest(backup.Repository)));
        Assert.Equal((set.SetId, set.Status, set.Bytes), (listed.SetId, listed.Status, listed.Bytes));
        var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);
        Assert.True(test.Passed, string.Join("; ", test.Problems));
        Assert.True(test.RedoComplete);

        // Without the archive the set's own WAL alone must bring the restore to consistency.
        string hidden = cluster.ArchiveDirectory + ".hidden";
        Directory.Move(cluster.ArchiveDirectory, hidden);
        using (var restored = await backup.RestoreAsync(temp.CreateDirectory("restored")))
        {
            restored.Start("-c archive_mode=off");
            restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
            Assert.Equal(committed, restored.Scalar<long>($"SELECT count(*) FROM writes WHERE id <= {committed}"));
            Assert.Equal(30000, restored.Scalar<long>("SELECT count(*) FROM in_ts"));
            Assert.Equal(0, restored.Scalar<long>("SELECT count(*) FROM pg_class WHERE relname = 'after_backup'"));
            restored.Stop();
            PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", restored.DataDirectory).EnsureSuccess("pg_checksums --check");
        }

        Directory.Move(hidden, cluster.ArchiveDirectory);
        using (var restored = await backup.RestoreAsync(temp.CreateDirectory("restored-with-archive")))
        {
            restored.Start("-c archive_mode=off");
            restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
            Assert.Equal(1, restored.Scalar<long>("SELECT count(*) FROM after_backup"));
            restored.Stop();
        }
    }
}
