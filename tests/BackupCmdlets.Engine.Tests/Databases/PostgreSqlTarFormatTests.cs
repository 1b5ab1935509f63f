using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Creating;
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

    [Fact]
    public async Task A_tar_set_reads_each_data_file_once_and_checks_every_page_a_plain_set_checks()
    {
        using var temp = new TempDirectory("bkc-pg-tar-once-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("ALTER SYSTEM SET autovacuum = off");
        cluster.Execute("SELECT pg_reload_conf()");
        cluster.Execute("CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 100000) g; CREATE TABLE small AS SELECT 1 AS id; CHECKPOINT");
        string big = cluster.Scalar<string>("SELECT pg_relation_filepath('big')");
        string small = cluster.Scalar<string>("SELECT pg_relation_filepath('small')");
        Assert.True(new FileInfo(Path.Combine(cluster.DataDirectory, big)).Length > ArchiveEntryWriter.SmallFileLimit, "streamed");
        Assert.True(new FileInfo(Path.Combine(cluster.DataDirectory, small)).Length <= ArchiveEntryWriter.SmallFileLimit, "read ahead");
        var plain = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, temp.CreateDirectory("plain")), null, CancellationToken.None);

        string repository = temp.CreateDirectory("tar");
        string trace = temp.Combine("open.trace");
        var run = ExternalTool.Run("strace", ["-f", "-qq", "-e", "trace=open,openat", "-o", trace, .. CliProcess.Launcher,
            "Start-HotBackup", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionString, "--destination-path", repository, "--compression", "Zstd", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] opens = File.ReadAllLines(trace);
        foreach (string relation in new[] { big, small })
        {
            // The archive engine opens a file by its name in its folder, a second reader would by any path ending in it.
            var named = new Regex($"\\bopen(at)?\\(.*\"(.*/)?{Regex.Escape(Path.GetFileName(relation))}\"");
            Assert.Equal(1, opens.Count(l => named.IsMatch(l) && !l.Contains("= -1", StringComparison.Ordinal)));
        }

        string setPath = Directory.GetDirectories(repository).Single();
        Assert.True(File.Exists(Path.Combine(setPath, "data.tar.zst")));
        Assert.Equal(plain.BlocksChecked, ManifestStore.Read(setPath).BlockChecks.Checked);
        Assert.True(plain.BlocksChecked > new FileInfo(Path.Combine(cluster.DataDirectory, big)).Length / 8192);
    }
}
