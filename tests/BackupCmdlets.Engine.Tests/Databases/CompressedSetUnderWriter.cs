using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// A cluster with a table of 30,000 rows in its own tablespace (ts1), backed up hot as compressed tars
/// while a writer commits a row per transaction. <see cref="Committed"/> is the last row committed
/// before backup mode ended: every restore of the set must hold it.
/// </summary>
internal sealed class CompressedSetUnderWriter(PostgresCluster cluster, string repository, BackupSet set, long committed) : IDisposable
{
    public PostgresCluster Cluster { get; } = cluster;

    public string Repository { get; } = repository;

    public BackupSet Set { get; } = set;

    public long Committed { get; } = committed;

    public static async Task<CompressedSetUnderWriter> TakeAsync(TempDirectory temp, ArchiveCompression compression)
    {
        var cluster = PostgresCluster.Create(temp.Path);
        try
        {
            string tablespace = Path.Combine(temp.Path, "pg", "ts1");
            Directory.CreateDirectory(tablespace);
            PostgresCluster.GiveToServerUser(tablespace);
            cluster.Execute($"CREATE TABLESPACE ts1 LOCATION '{tablespace}'");
            cluster.Execute("CREATE TABLE in_ts TABLESPACE ts1 AS SELECT g AS id FROM generate_series(1, 30000) g");
            string repository = temp.CreateDirectory("repository");
            long committed = 0;
            using var writer = new RowWriter(cluster.ConnectionString);
            writer.WaitFor(100);
            var progress = new SynchronousProgress(p =>
            {
                if (p.Status.StartsWith("Backup mode ended", StringComparison.Ordinal))
                {
                    committed = writer.LastCommitted;
                }
            });
            var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { Compression = compression };
            var set = await DatabaseBackup.StartHotAsync(request, progress, CancellationToken.None);
            writer.Stop();
            return new CompressedSetUnderWriter(cluster, repository, set, committed);
        }
        catch
        {
            // A server left running would outlive the test.
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Restores the set into <paramref name="root"/>/data with ts1 mapped to <paramref name="root"/>/ts1; the server is not started.</summary>
    public async Task<PostgresCluster> RestoreAsync(string root)
    {
        var restore = await BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(Set.Path, Path.Combine(root, "data")) { TablespaceMapping = new Dictionary<string, string> { ["ts1"] = Path.Combine(root, "ts1") } },
            null,
            CancellationToken.None);
        return PostgresCluster.Attach(root, restore.DestinationPath);
    }

    public void Dispose() => Cluster.Dispose();
}
