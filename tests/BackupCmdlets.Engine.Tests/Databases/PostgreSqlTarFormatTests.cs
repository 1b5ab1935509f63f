using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The tar format: one gzip tar per data directory and tablespace, written by the archive engine, read by GNU tar, restored and recovered.</summary>
public sealed class PostgreSqlTarFormatTests
{
    [Fact]
    public async Task A_hot_backup_as_gzip_tars_under_a_writer_restores_and_recovers_every_committed_row()
    {
        using var temp = new TempDirectory("bkc-pg-tar-");
        using var cluster = PostgresCluster.Create(temp.Path);
        string tablespace = Path.Combine(temp.Path, "pg", "ts1");
        Directory.CreateDirectory(tablespace);
        PostgresCluster.GiveToServerUser(tablespace);
        cluster.Execute($"CREATE TABLESPACE ts1 LOCATION '{tablespace}'");
        cluster.Execute("CREATE TABLE in_ts TABLESPACE ts1 AS SELECT g AS id FROM generate_series(1, 30000) g");
        string repository = temp.CreateDirectory("repository");
        long committed = 0;
        BackupSet set;
        using (var writer = new RowWriter(cluster.ConnectionString))
        {
            writer.WaitFor(100);
            var progress = new SynchronousProgress(p =>
            {
                if (p.Status.StartsWith("Backup mode ended", StringComparison.Ordinal))
                {
                    committed = writer.LastCommitted;
                }
            });
            var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { Compression = ArchiveCompression.GZip };
            set = await DatabaseBackup.StartHotAsync(request, progress, CancellationToken.None);
            writer.Stop();
        }

        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(["data", "tablespaces/" + manifest.Tablespaces[0].Id], manifest.Archives.Select(a => a.Root));
        Assert.True(set.BlocksChecked > 100);
        Assert.True(manifest.RedoCompressed);
        Assert.All(manifest.RedoFiles, f => Assert.EndsWith(".gz", f));
        ExternalTool.Run("gzip", "-t", Path.Combine(set.Path, manifest.RedoFiles[0])).EnsureSuccess("gzip -t");
        string listing = ExternalTool.Run("tar", "-tzf", Path.Combine(set.Path, "data.tar.gz")).EnsureSuccess("GNU tar -tzf").StandardOutput;
        Assert.Contains("PG_VERSION", listing);
        Assert.Contains("global/pg_control", listing);
        Assert.DoesNotContain("postmaster.pid", listing);
        Assert.DoesNotMatch("pg_wal/0000", listing);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);

        string restoredRoot = temp.CreateDirectory("restored");
        var restore = await BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(set.Path, Path.Combine(restoredRoot, "data")) { TablespaceMapping = new Dictionary<string, string> { ["ts1"] = Path.Combine(restoredRoot, "ts1") } },
            null,
            CancellationToken.None);
        using var restored = PostgresCluster.Attach(restoredRoot, restore.DestinationPath);
        restored.Start("-c archive_mode=off");
        restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
        Assert.Equal(committed, restored.Scalar<long>($"SELECT count(*) FROM writes WHERE id <= {committed}"));
        Assert.Equal(30000, restored.Scalar<long>("SELECT count(*) FROM in_ts"));
        restored.Stop();
        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", restore.DestinationPath).EnsureSuccess("pg_checksums --check");
    }
}
