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
        using var backup = await CompressedSetUnderWriter.TakeAsync(temp, ArchiveCompression.GZip);
        var (set, committed) = (backup.Set, backup.Committed);

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

        using var restored = await backup.RestoreAsync(temp.CreateDirectory("restored"));
        restored.Start("-c archive_mode=off");
        restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
        Assert.Equal(committed, restored.Scalar<long>($"SELECT count(*) FROM writes WHERE id <= {committed}"));
        Assert.Equal(30000, restored.Scalar<long>("SELECT count(*) FROM in_ts"));
        restored.Stop();
        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", restored.DataDirectory).EnsureSuccess("pg_checksums --check");
    }
}
