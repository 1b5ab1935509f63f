using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Plain sets with -Compression Zstd against a real server: every file of a full set and of the
/// incremental on it (page files too) is a seekable zstd file that zstd itself expands to the content the
/// manifest records; the chain restores (into an empty folder, and -Delta over a copy) to exactly the
/// tables at the incremental's end; a changed byte stops the restore with nothing left behind.
/// </summary>
public sealed class PostgreSqlCompressedPlainSetTests(PostgreSqlCompressedPlainSetTests.Scenario scenario) : IClassFixture<PostgreSqlCompressedPlainSetTests.Scenario>
{
    [Fact]
    public void Every_copied_file_is_a_zstd_file_that_zstd_expands_to_the_content_the_manifest_records()
    {
        foreach (var set in new[] { scenario.Full, scenario.Incremental })
        {
            var manifest = ManifestStore.Read(set.Path);
            var copied = manifest.Files.Where(f => f.Path.StartsWith("data/", StringComparison.Ordinal) && !f.Path.EndsWith("backup_label", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(copied);
            Assert.All(copied, f => Assert.Equal(ArchiveCompression.Zstd, f.Compression));
            Assert.True(copied.Sum(f => f.Size) * 3 < copied.Sum(f => f.ContentSize!.Value), "the set is not compressed");
            var sample = copied.OrderByDescending(f => f.ContentSize).Take(4).Concat(copied.Where(f => f.Path.EndsWith("PG_VERSION", StringComparison.Ordinal)).Take(1));
            foreach (var file in sample)
            {
                var expanded = ExternalTool.Run("sh", "-c", "zstd -dc \"$1\" | sha256sum", "sh", Path.Combine(set.Path, file.Path)).EnsureSuccess("zstd -dc");
                Assert.StartsWith(file.ContentSha256!, expanded.StandardOutput, StringComparison.Ordinal);
            }
        }

        var incremental = ManifestStore.Read(scenario.Incremental.Path);
        Assert.Equal(BackupType.Incremental, scenario.Incremental.Type);
        var pageFiles = incremental.PageDeltas.Where(d => d.StoredPath is not null).Select(d => incremental.Files.Single(f => f.Path == d.StoredPath)).ToList();
        Assert.NotEmpty(pageFiles);
        Assert.All(pageFiles, f => Assert.Equal(ArchiveCompression.Zstd, f.Compression));
    }

    [Fact]
    public async Task The_incremental_restores_into_an_empty_folder_to_the_tables_at_its_end_and_passes_pg_checksums()
    {
        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Incremental.Path), null, CancellationToken.None);
        Assert.True(test.Passed, string.Join("; ", test.Problems));

        string data = scenario.Folder("restored");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, data) { RecoverToConsistency = true }, null, CancellationToken.None);
        using (var server = scenario.Start("restored", data))
        {
            server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            Assert.Equal(scenario.ExpectedAtIncremental, PostgreSqlIncrementalTests.Scenario.Fingerprint(server));
            server.Stop();
        }

        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", data).EnsureSuccess("pg_checksums --check");
    }

    [Fact]
    public async Task A_delta_restore_over_a_copy_of_the_full_set_equals_a_restore_into_an_empty_folder_and_over_that_writes_almost_nothing()
    {
        string copy = scenario.Folder("delta-copy");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Full.Path, copy), null, CancellationToken.None);
        string reference = scenario.Folder("delta-reference");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, reference), null, CancellationToken.None);

        var delta = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, copy) { Delta = true }, null, CancellationToken.None);
        Assert.True(delta.FilesUnchanged > 100, $"{delta.FilesUnchanged} kept");
        Assert.Equal(PostgreSqlIncrementalTests.Scenario.Tree(reference), PostgreSqlIncrementalTests.Scenario.Tree(copy));

        var again = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, copy) { Delta = true }, null, CancellationToken.None);
        Assert.InRange(again.FileCount, 0, 2 + ManifestStore.Read(scenario.Incremental.Path).RedoFiles.Count);
    }

    [Theory]
    [InlineData("inside a frame")]
    [InlineData("in the seek table")]
    public async Task A_changed_byte_fails_Test_BackupSet_and_stops_the_restore_leaving_nothing(string where)
    {
        string repository = scenario.CopyOfRepository("damaged-" + where.Replace(' ', '-'));
        string full = Path.Combine(repository, Path.GetFileName(scenario.Full.Path));
        var target = ManifestStore.Read(full).Files.Where(f => f.Path.StartsWith("data/base/", StringComparison.Ordinal)).MaxBy(f => f.Size)!;
        string path = Path.Combine(full, target.Path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[where == "inside a frame" ? bytes.Length / 3 : bytes.Length - 12] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        // zstd passes over the seek table (a skippable frame), so only damage in a frame is damage to it.
        int zstdAgrees = ExternalTool.Run("sh", "-c", "zstd -dc \"$1\" | sha256sum | grep -q ^\"$2\"", "sh", path, target.ContentSha256!).ExitCode;
        Assert.Equal(where == "inside a frame", zstdAgrees != 0);

        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(full), null, CancellationToken.None);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.BackupSetFileChanged.Id && p.Path == target.Path);

        // The restore checks each file as it expands it: the damage is found after other files were written, and they are removed.
        string incremental = Path.Combine(repository, Path.GetFileName(scenario.Incremental.Path));
        string destination = scenario.Folder("never-restored-" + where.Replace(' ', '-'));
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(incremental, destination), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed, refused.Error);
        Assert.Contains(target.Path, refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public async Task Per_file_compression_is_zstd_for_PostgreSQL_only()
    {
        string repository = scenario.Folder("refused");
        var requests = new (StartBackupRequest Request, ErrorDefinition Error)[]
        {
            (new(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, repository) { Format = BackupFormat.Plain, Compression = ArchiveCompression.GZip }, Errors.ParameterOutOfRange),
            (new(DatabaseEngine.Sqlite, "Data Source=" + Path.Combine(repository, "x.db"), repository) { Format = BackupFormat.Plain, Compression = ArchiveCompression.Zstd }, Errors.ParameterOutOfRange),
        };
        foreach (var (request, error) in requests)
        {
            var refused = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));
            Assert.Equal(error, refused.Error);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(repository));
    }

    public sealed class Scenario : PostgresScenario
    {
        public Scenario()
            : base("bkc-pg-plainzst-")
        {
            Source.Pgbench("-i", "-s", "2", "-q");
            Source.Execute("CREATE TABLE shrinking (id int, pad text); INSERT INTO shrinking SELECT g, repeat('x', 200) FROM generate_series(1, 30000) g; CHECKPOINT");
            Full = Take(BackupType.Full);
            Source.Pgbench("-c", "2", "-t", "300", "-n");
            // Truncated by VACUUM and extended again: the parent holds old rows where the file is now new.
            Source.Execute("DELETE FROM shrinking WHERE id > 100");
            Source.Execute("VACUUM shrinking");
            Source.Execute("INSERT INTO shrinking SELECT g, repeat('y', 200) FROM generate_series(101, 3000) g");
            Incremental = Take(BackupType.Incremental);
            ExpectedAtIncremental = PostgreSqlIncrementalTests.Scenario.Fingerprint(Source);
        }

        public BackupSet Full { get; }

        public BackupSet Incremental { get; }

        public string ExpectedAtIncremental { get; }

        private BackupSet Take(BackupType type)
        {
            var set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, Repository) { Type = type, Format = BackupFormat.Plain, Compression = ArchiveCompression.Zstd }, null, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Null(set.FullBackupReason);
            return set;
        }
    }
}
