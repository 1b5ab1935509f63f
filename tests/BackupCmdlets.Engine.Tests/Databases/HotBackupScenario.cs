using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// One hot backup taken while a writer commits a row per transaction (and a table lives in its own
/// tablespace), restored into a new folder with the tablespace remapped, and recovered by a second
/// server from the set's WAL. The facts in <see cref="PostgreSqlHotBackupTests"/> check the outcome.
/// </summary>
public sealed class HotBackupScenario : IDisposable
{
    public const string Secret = "s3cr3t-Pa55word";
    private readonly TempDirectory _temp = new("bkc-pg-hot-");

    public HotBackupScenario()
    {
        Source = PostgresCluster.Create(_temp.Path);
        string tablespaceFolder = Path.Combine(_temp.Path, "pg", "ts1");
        Directory.CreateDirectory(tablespaceFolder);
        PostgresCluster.GiveToServerUser(tablespaceFolder);
        Source.Execute($"CREATE TABLESPACE ts1 LOCATION '{tablespaceFolder}'");
        Source.Execute("CREATE TABLE in_ts (id int PRIMARY KEY, payload text) TABLESPACE ts1; INSERT INTO in_ts SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
        Source.Execute("CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 300000) g");
        Source.Execute("CHECKPOINT");

        Repository = _temp.CreateDirectory("repository");
        using var writer = new RowWriter(Source.ConnectionString);
        writer.WaitFor(200);
        FirstBeforeBackup = writer.LastCommitted;
        var progress = new SynchronousProgress(p =>
        {
            if (p.Status.StartsWith("Ending backup mode", StringComparison.Ordinal))
            {
                CommittedBeforeStopCalled = writer.LastCommitted;
            }
            else if (p.Status.StartsWith("Backup mode ended", StringComparison.Ordinal))
            {
                CommittedBeforeStopReturned = writer.LastCommitted;
            }
            else if (p.BytesDone > 0)
            {
                MaxBytesReported = Math.Max(MaxBytesReported, p.BytesDone);
            }
        });
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString + $";Password={Secret}", Repository) { ThrottleLimit = 2 };
        Set = DatabaseBackup.StartHotAsync(request, progress, CancellationToken.None).GetAwaiter().GetResult();
        writer.WaitFor(CommittedBeforeStopReturned + 100);
        LastWritten = writer.Stop();
        SourceCountInTablespace = Source.Scalar<long>("SELECT count(*) FROM in_ts");

        RestoredData = Path.Combine(_temp.Path, "restored", "data");
        RestoredTablespace = Path.Combine(_temp.Path, "restored", "ts1");
        Restore = BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(Set.Path, RestoredData) { TablespaceMapping = new Dictionary<string, string> { ["ts1"] = RestoredTablespace } },
            null,
            CancellationToken.None).GetAwaiter().GetResult();

        Restored = PostgresCluster.Attach(Path.Combine(_temp.Path, "restored"), RestoredData);
        Restored.Start("-c archive_mode=off");
        Restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
        RestoredIds = Restored.Scalar<long>($"SELECT count(DISTINCT id) FROM writes WHERE id <= {CommittedBeforeStopReturned}");
        RestoredMaxId = Restored.Scalar<long>("SELECT coalesce(max(id), 0) FROM writes");
        RestoredRowCount = Restored.Scalar<long>("SELECT count(*) FROM writes");
        RestoredCountInTablespace = Restored.Scalar<long>("SELECT count(*) FROM in_ts");
        RestoredTablespaceLocation = Restored.Scalar<string>("SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = 'ts1'");
        RestoredBulkSum = Restored.Scalar<long>("SELECT sum(id) FROM bulk");
        Restored.Stop();
        ServerLog = File.ReadAllText(Restored.LogPath);
    }

    public PostgresCluster Source { get; }

    public PostgresCluster Restored { get; }

    public string Repository { get; }

    public BackupSet Set { get; }

    public RestoreResult Restore { get; }

    public string RestoredData { get; }

    public string RestoredTablespace { get; }

    public string RestoredTablespaceLocation { get; } = "";

    public long FirstBeforeBackup { get; }

    public long CommittedBeforeStopCalled { get; private set; }

    public long CommittedBeforeStopReturned { get; private set; }

    public long LastWritten { get; }

    public long MaxBytesReported { get; private set; }

    public long RestoredIds { get; }

    public long RestoredMaxId { get; }

    public long RestoredRowCount { get; }

    public long SourceCountInTablespace { get; }

    public long RestoredCountInTablespace { get; }

    public long RestoredBulkSum { get; }

    public string ServerLog { get; }

    public string Temp => _temp.Path;

    public void Dispose()
    {
        Restored.Dispose();
        Source.Dispose();
        _temp.Dispose();
    }
}
