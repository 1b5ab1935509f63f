using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Differential and incremental sets against a real server: a full set, pgbench writes, an incremental,
/// a table truncated and extended again, more writes, a second incremental and a differential. Each
/// restores to a cluster that recovers with every committed row and passes pg_checksums and pg_amcheck;
/// a damaged or missing parent fails Test-BackupSet and the restore; retention and removal keep what a
/// kept set builds on.
/// </summary>
public sealed class PostgreSqlIncrementalTests(PostgreSqlIncrementalTests.Scenario scenario) : IClassFixture<PostgreSqlIncrementalTests.Scenario>
{
    [Fact]
    public void Each_set_names_its_parent_and_stores_only_changed_pages()
    {
        Assert.Equal((BackupType.Full, null), (scenario.Full.Type, scenario.Full.ParentSetId));
        Assert.Equal((BackupType.Incremental, scenario.Full.SetId), (scenario.First.Type, scenario.First.ParentSetId));
        Assert.Equal((BackupType.Incremental, scenario.First.SetId), (scenario.Second.Type, scenario.Second.ParentSetId));
        Assert.Equal((BackupType.Differential, scenario.Full.SetId), (scenario.Differential.Type, scenario.Differential.ParentSetId));

        var manifest = ManifestStore.Read(scenario.Second.Path);
        Assert.Equal(scenario.First.StartPosition, manifest.ReferencePosition);
        var accounts = manifest.PageDeltas.Single(d => d.Path == "data/" + scenario.AccountsFile);
        long accountPages = accounts.Size / 8192;
        Assert.InRange(accounts.Pages, 1, accountPages / 2);

        // The WAL of each set is about the same size; what differs is the data files.
        static long DataBytes(BackupSet set) => ManifestStore.Read(set.Path).Files.Where(f => !f.Path.StartsWith("wal/", StringComparison.Ordinal)).Sum(f => f.Size);
        string largest = string.Join(", ", ManifestStore.Read(scenario.Second.Path).Files.OrderByDescending(f => f.Size).Take(8).Select(f => $"{f.Path} {f.Size}"));
        Assert.True(DataBytes(scenario.Second) * 3 < DataBytes(scenario.Full), $"incremental {DataBytes(scenario.Second)} bytes of data against the full set's {DataBytes(scenario.Full)}; largest: {largest}");
    }

    [Theory]
    [InlineData("second")]
    [InlineData("differential")]
    public async Task A_restore_of_the_chain_recovers_every_committed_row_and_passes_pg_checksums(string which)
    {
        var set = which == "second" ? scenario.Second : scenario.Differential;
        string data = scenario.Folder("restore-" + which);
        var result = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set.Path, data) { RecoverToConsistency = true }, null, CancellationToken.None);

        using (var server = scenario.Start("restore-" + which, data))
        {
            server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            Assert.Equal(scenario.ExpectedAt[set.SetId], Scenario.Fingerprint(server));
            server.Stop();
        }

        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", data).EnsureSuccess("pg_checksums --check");
        Assert.True(result.FileCount > 500);
    }

    [Fact]
    public async Task A_delta_restore_of_the_chain_over_a_copy_of_the_full_set_equals_a_restore_into_an_empty_folder()
    {
        string copy = scenario.Folder("delta-copy");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Full.Path, copy), null, CancellationToken.None);
        string reference = scenario.Folder("delta-reference");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Second.Path, reference), null, CancellationToken.None);

        var result = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Second.Path, copy) { Delta = true }, null, CancellationToken.None);

        Assert.True(result.FilesUnchanged > 100, $"{result.FilesUnchanged} kept");
        Assert.Equal(Scenario.Tree(reference), Scenario.Tree(copy));
    }

    [Fact]
    public void A_restore_of_the_chain_fsyncs_every_file_after_its_last_write_also_those_rebuilt_from_pages()
    {
        string data = scenario.PathOf("fsynced");

        var outcome = FsyncTrace.Run(scenario.PathOf("fsync.trace"), [data], "Restore-BackupSet", "--path", scenario.Second.Path, "--destination-path", data);

        Assert.True(outcome.Run.ExitCode == 0, outcome.Run.ToString());
        Assert.True(outcome.Written.Count > 500, $"{outcome.Written.Count} files written");
        Assert.Empty(outcome.NotSyncedAfterLastWrite);
        Assert.Contains(Path.Combine(data, scenario.AccountsFile), outcome.Written);
    }

    [Fact]
    public async Task A_delta_restore_of_the_chain_over_an_identical_copy_keeps_every_file_stored_as_pages()
    {
        string copy = scenario.Folder("delta-identical");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Second.Path, copy), null, CancellationToken.None);
        string before = Scenario.Tree(copy);
        var manifest = ManifestStore.Read(scenario.Second.Path);

        var result = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Second.Path, copy) { Delta = true }, null, CancellationToken.None);

        // Only what a restore writes itself differs from the set (postgresql.auto.conf, as for a full set).
        Assert.InRange(result.FileCount, 0, 2);
        Assert.True(result.FilesUnchanged >= manifest.PageDeltas.Count, $"{result.FilesUnchanged} kept of {manifest.PageDeltas.Count} files stored as pages");
        Assert.Equal(before, Scenario.Tree(copy));
    }

    [Fact]
    public async Task A_trial_restore_of_the_newest_incremental_passes_pg_amcheck()
    {
        string scratch = scenario.Folder("scratch");
        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Second.Path) { Restore = true, ScratchPath = scratch }, null, CancellationToken.None);

        Assert.True(result.Passed, string.Join("; ", result.Problems));
        Assert.True(result.RestoreTest!.Passed, result.RestoreTest.Detail);
    }

    [Fact]
    public async Task A_damaged_parent_fails_the_test_and_the_restore_of_its_dependants()
    {
        string repository = scenario.CopyOfRepository("damaged");
        var firstManifest = ManifestStore.Read(Path.Combine(repository, scenario.First.SetId));
        string pageFile = Path.Combine(repository, scenario.First.SetId, firstManifest.PageDeltas.First(d => d.StoredPath is not null).StoredPath!);
        var bytes = File.ReadAllBytes(pageFile);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(pageFile, bytes);
        string second = Path.Combine(repository, scenario.Second.SetId);

        var test = await BackupSetVerifier.TestAsync(second, null, null, CancellationToken.None);
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(second, scenario.Folder("not-restored")), null, CancellationToken.None));

        Assert.False(test.Passed);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.BackupChainBroken.Id && p.Message.Contains(scenario.First.SetId, StringComparison.Ordinal));
        Assert.Equal(Errors.BackupSetVerificationFailed.Id, restore.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scenario.Folder("not-restored")));
    }

    [Fact]
    public async Task A_missing_parent_fails_the_test_and_the_restore_of_its_dependants()
    {
        string repository = scenario.CopyOfRepository("missing");
        Directory.Delete(Path.Combine(repository, scenario.Full.SetId), recursive: true);
        string second = Path.Combine(repository, scenario.Second.SetId);

        var test = await BackupSetVerifier.TestAsync(second, null, null, CancellationToken.None);
        var restore = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(second, scenario.Folder("not-restored-2")), null, CancellationToken.None));

        Assert.False(test.Passed);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.BackupChainBroken.Id && p.Message.Contains(scenario.Full.SetId, StringComparison.Ordinal));
        Assert.Equal(Errors.BackupSetVerificationFailed.Id, restore.ErrorId);
    }

    [Fact]
    public void Retention_keeps_every_set_a_kept_set_builds_on_and_a_parent_is_not_removed_before_its_dependants()
    {
        string repository = scenario.CopyOfRepository("retention");

        var refused = Assert.Throws<BackupException>(() => BackupRetention.RemoveSet(Path.Combine(repository, scenario.First.SetId)));
        var removed = BackupEngine.RemoveBackupSet(new RemoveBackupSetRequest(repository) { KeepLast = 1 });

        Assert.Equal(Errors.BackupSetHasDependants.Id, refused.ErrorId);
        Assert.Contains(scenario.Second.SetId, refused.Message, StringComparison.Ordinal);
        // The differential is the newest set: it and its full set stay; the incrementals go, newest first.
        Assert.Equal([scenario.Second.SetId, scenario.First.SetId], removed.Select(s => s.SetId));
        Assert.Equal(
            new[] { scenario.Differential.SetId, scenario.Full.SetId }.Order(StringComparer.Ordinal),
            Directory.EnumerateDirectories(repository).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_parent_an_incremental_is_taken_full_and_says_why_and_the_tar_format_is_refused()
    {
        string empty = scenario.Folder("empty-repository");
        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, empty) { Type = BackupType.Incremental }, null, CancellationToken.None);
        var tar = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(
            new StartBackupRequest(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, empty) { Type = BackupType.Incremental, Compression = Engine.Archiving.ArchiveCompression.Zstd },
            null,
            CancellationToken.None));

        Assert.Equal(BackupType.Full, set.Type);
        Assert.Contains("no intact plain hot set", set.FullBackupReason, StringComparison.Ordinal);
        Assert.Equal(Errors.IncrementalNotSupported.Id, tar.ErrorId);
        Assert.Single(Directory.EnumerateDirectories(empty));
    }

    [Fact]
    public async Task A_cluster_put_back_to_before_the_parent_gets_a_full_set_as_its_pages_no_longer_tell_their_age()
    {
        // The full set restored and promoted: timeline 2 branches off before the newer sets ended, so
        // pages it writes may carry LSNs older than their starts although those sets do not hold them.
        string data = scenario.Folder("put-back");
        string archive = scenario.Folder("put-back-archive");
        PostgresCluster.GiveToServerUser(archive);
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Full.Path, data) { RecoverToConsistency = true, ArchiveMode = RestoreArchiveMode.Redirect, ArchivePath = archive }, null, CancellationToken.None);
        using var server = scenario.Start("put-back", data);
        server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        server.Execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 100 = 0");
        string repository = scenario.CopyOfRepository("put-back");

        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, server.ConnectionString, repository) { Type = BackupType.Incremental, WalArchivePath = archive }, null, CancellationToken.None);

        Assert.Equal(BackupType.Full, set.Type);
        Assert.Null(set.ParentSetId);
        Assert.Contains("timeline 2 did not branch from timeline 1", set.FullBackupReason, StringComparison.Ordinal);
    }

    public sealed class Scenario : PostgresScenario
    {

        public Scenario()
            : base("bkc-pg-incr-")
        {
            Source.Pgbench("-i", "-s", "4", "-q");
            Source.Execute("CREATE TABLE shrinking (id int, pad text); INSERT INTO shrinking SELECT g, repeat('x', 200) FROM generate_series(1, 30000) g; CHECKPOINT");
            AccountsFile = Source.Scalar<string>("SELECT pg_relation_filepath('pgbench_accounts')");
            Full = Take(BackupType.Full);
            Source.Pgbench("-c", "2", "-t", "400", "-n");
            Source.Execute("CREATE TABLE added AS SELECT g AS id FROM generate_series(1, 5000) g");
            First = Take(BackupType.Incremental);
            // Truncated by VACUUM and extended again: the parent holds old rows where the file is now new.
            Source.Execute("DELETE FROM shrinking WHERE id > 100");
            Source.Execute("VACUUM shrinking");
            Source.Execute("INSERT INTO shrinking SELECT g, repeat('y', 200) FROM generate_series(101, 3000) g; DROP TABLE added");
            Source.Pgbench("-c", "2", "-t", "400", "-n");
            Second = Take(BackupType.Incremental);
            Differential = Take(BackupType.Differential);
        }

        /// <summary>pgbench_accounts' heap file, relative to the data directory.</summary>
        public string AccountsFile { get; }

        public BackupSet Full { get; }

        public BackupSet First { get; }

        public BackupSet Second { get; }

        public BackupSet Differential { get; }

        /// <summary>Each set's fingerprint of the tables as its backup ended (nothing is written while a set is taken).</summary>
        public Dictionary<string, string> ExpectedAt { get; } = [];

        /// <summary>Every table's row count and md5 of its rows in order.</summary>
        public static string Fingerprint(PostgresCluster server) => string.Join(
            "; ",
            new[] { "pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history", "shrinking" }.Select(table =>
                table + " " + server.Scalar<string>($"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM {table} t")));

        /// <summary>Every file under a folder with its size and SHA-256, in order.</summary>
        public static string Tree(string root) => string.Join('\n', Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path))
            .Order(StringComparer.Ordinal)
            .Select(relative => $"{relative} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(root, relative))))}"));

        private BackupSet Take(BackupType type)
        {
            var set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, Repository) { Type = type }, null, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Null(set.FullBackupReason);
            ExpectedAt[set.SetId] = Fingerprint(Source);
            return set;
        }
    }
}
