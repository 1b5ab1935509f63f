using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// A hot backup cut short (cancelled, or its process killed) is resumed by the next one: files whose
/// source has not changed since are taken over, a file written in between is read again, and the
/// resumed set restores to exactly the tables at its end.
/// </summary>
[Trait("Front", "NativeCli")]
public sealed class PostgreSqlResumeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_encrypted_backup_is_resumed_and_a_file_written_since_is_read_again(bool compressesFiles)
    {
        using var scenario = new Scenario("bkc-pg-resume-");
        var cluster = scenario.Source;
        string repository = scenario.Repository;
        string key = scenario.PathOf("set.key");
        File.WriteAllBytes(key, RandomNumberGenerator.GetBytes(32));
        string accounts = "data/" + cluster.Scalar<string>("SELECT pg_relation_filepath('pgbench_accounts')");
        var request = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository) { EncryptionKeyFile = key, Format = BackupFormat.Plain, Compression = compressesFiles ? ArchiveCompression.Zstd : ArchiveCompression.None };

        await CancelledAtNineTenthsAsync(request);
        string interrupted = Assert.Single(Directory.EnumerateDirectories(repository));
        string journal = File.ReadAllText(ResumeJournal.PathIn(interrupted));
        Assert.Contains($"\"setPath\":\"{accounts}\"", journal);
        Assert.Equal(BackupSetStatus.Incomplete, Assert.Single(BackupRepository.List(new GetBackupSetRequest(repository))).Status);

        // Written after the interrupted copy read it: must be read again, or the resumed set would miss it.
        cluster.Execute("UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid % 3 = 0; CHECKPOINT");
        var resumed = await DatabaseBackup.StartHotAsync(request, null, CancellationToken.None);
        string expected = PostgreSqlIncrementalTests.Scenario.Fingerprint(cluster);

        Assert.Equal(Path.GetFileName(interrupted), resumed.ResumedFrom);
        Assert.True(resumed.FilesResumed > 3, $"{resumed.FilesResumed} files taken over");
        Assert.False(Directory.Exists(interrupted));
        Assert.False(File.Exists(ResumeJournal.PathIn(resumed.Path)));
        Assert.Equal(compressesFiles, ManifestStore.Read(resumed.Path).Files.Single(f => f.Path == accounts).Compression is not null);
        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(resumed.Path) { EncryptionKeyFile = key }, null, CancellationToken.None);
        Assert.True(test.Passed, string.Join("; ", test.Problems));

        await AssertRestoresToAsync(scenario, new RestoreBackupSetRequest(resumed.Path, scenario.PathOf("restored")) { RecoverToConsistency = true, EncryptionKeyFile = key }, expected);
    }

    [Fact]
    public async Task A_cancelled_Plain_Zstd_backup_is_resumed_as_Plain_Zstd_only()
    {
        using var scenario = new Scenario("bkc-pg-resume-pz-");
        var cluster = scenario.Source;
        var compressed = new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, scenario.Repository) { Format = BackupFormat.Plain, Compression = ArchiveCompression.Zstd };
        await CancelledAtNineTenthsAsync(compressed);
        string copy = scenario.CopyOfRepository("copy");

        // A set in the clear takes nothing over from a compressed one: each set is stored one way.
        var plain = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, cluster.ConnectionString, copy), null, CancellationToken.None);
        Assert.Equal(0, plain.FilesResumed);
        Assert.All(ManifestStore.Read(plain.Path).Files, f => Assert.Null(f.Compression));

        var resumed = await DatabaseBackup.StartHotAsync(compressed, null, CancellationToken.None);
        string expected = PostgreSqlIncrementalTests.Scenario.Fingerprint(cluster);
        Assert.True(resumed.FilesResumed > 3, $"{resumed.FilesResumed} files taken over");
        Assert.All(ManifestStore.Read(resumed.Path).Files.Where(f => f.Path.StartsWith("data/base/", StringComparison.Ordinal)), f => Assert.Equal(ArchiveCompression.Zstd, f.Compression));
        await AssertRestoresToAsync(scenario, new RestoreBackupSetRequest(resumed.Path, scenario.PathOf("restored")) { RecoverToConsistency = true }, expected);
    }

    [Fact]
    public void A_backup_killed_mid_copy_is_resumed_by_the_next_run_of_the_CLI()
    {
        using var temp = new TempDirectory("bkc-pg-resume-kill-");
        PostgresCluster.GiveToServerUser(temp.Path);
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Pgbench("-i", "-s", "24", "-q");
        cluster.Execute("CHECKPOINT");
        string repository = temp.CreateDirectory("repository");
        string[] backup = ["Start-HotBackup", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionString, "--destination-path", repository, "--json"];

        using (var process = Process.Start(CliProcess.StartInfo(backup))!)
        {
            var clock = Stopwatch.StartNew();
            while (!Directory.EnumerateFiles(repository, ResumeJournal.FileName, SearchOption.AllDirectories).Any(JournalHasAnEntry))
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the backup ended (exit code {process.ExitCode}) before its journal had an entry: {process.StandardError.ReadToEnd()} {process.StandardOutput.ReadToEnd()}");
                }

                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no journal after two minutes");
                Thread.Sleep(20);
            }

            process.Kill();
            process.WaitForExit();
        }

        string interrupted = Assert.Single(Directory.EnumerateDirectories(repository));
        Assert.False(File.Exists(ManifestStore.PathIn(interrupted)));

        var run = CliProcess.Run(backup).EnsureSuccess("the resumed Start-HotBackup");
        var set = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.Equal(Path.GetFileName(interrupted), set.GetProperty("ResumedFrom").GetString());
        Assert.True(set.GetProperty("FilesResumed").GetInt64() > 0);
        CliProcess.Run("Test-BackupSet", "--path", set.GetProperty("Path").GetString()!).EnsureSuccess("Test-BackupSet");
        Assert.Single(Directory.EnumerateDirectories(repository));
    }

    /// <summary>Runs the backup and cancels it once nine tenths of its bytes are copied.</summary>
    private static async Task CancelledAtNineTenthsAsync(StartBackupRequest request)
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.BytesTotal > 0 && p.BytesDone * 10 > p.BytesTotal * 9)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DatabaseBackup.StartHotAsync(request, progress, cancel.Token));
    }

    /// <summary>The restore recovers to exactly the tables <paramref name="expected"/> describes and passes pg_checksums.</summary>
    private static async Task AssertRestoresToAsync(Scenario scenario, RestoreBackupSetRequest restore, string expected)
    {
        await BackupSetRestorer.RestoreAsync(restore, null, CancellationToken.None);
        using (var server = scenario.Start("restored", restore.DestinationPath))
        {
            server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            Assert.Equal(expected, PostgreSqlIncrementalTests.Scenario.Fingerprint(server));
            server.Stop();
        }

        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", restore.DestinationPath).EnsureSuccess("pg_checksums --check");
    }

    /// <summary>A source server with pgbench's tables at scale 8 and a small table, and a repository.</summary>
    private sealed class Scenario : PostgresScenario
    {
        public Scenario(string prefix)
            : base(prefix)
        {
            Source.Pgbench("-i", "-s", "8", "-q");
            Source.Execute("CREATE TABLE shrinking AS SELECT g AS id FROM generate_series(1, 1000) g; CHECKPOINT");
        }
    }

    /// <summary>The journal has its header and at least one whole entry line.</summary>
    private static bool JournalHasAnEntry(string journal)
    {
        try
        {
            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd().Count(c => c == '\n') >= 2;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
