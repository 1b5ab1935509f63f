using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Restore-BackupSet -Delta against a real server: over a copy of the same cluster it writes only what
/// differs and removes what the set does not have, so the result equals a full restore and recovers;
/// over anything else it is refused with nothing changed; and it never follows a symlink out.
/// </summary>
public sealed class PostgreSqlDeltaRestoreTests(PostgreSqlDeltaRestoreTests.Scenario scenario) : IClassFixture<PostgreSqlDeltaRestoreTests.Scenario>
{
    [Fact]
    public async Task Over_an_identical_copy_a_delta_restore_keeps_every_data_file_as_it_is()
    {
        string copy = await scenario.FullRestore("identical");
        string heap = Path.Combine(copy, scenario.ItemsFile);
        ulong inodeBefore = UnixFileSystem.Lstat(heap).Inode;
        var set = ManifestStore.Read(scenario.Set.Path);
        long differing = set.Files.Count(f => f.Path.StartsWith("data/", StringComparison.Ordinal)
            && ManifestFile.FromFile(copy, f.Path["data/".Length..], f.Mode).Sha256 != f.Sha256);
        Assert.InRange(differing, 1, 2);

        var result = await scenario.Restore("identical", delta: true);

        Assert.Equal(inodeBefore, UnixFileSystem.Lstat(heap).Inode);
        Assert.Equal(differing, result.FileCount);
        Assert.True(result.FilesUnchanged > 500, $"only {result.FilesUnchanged} files were kept");
        using var server = scenario.Start("identical", copy);
        server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(5000, server.Scalar<long>("SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Over_a_copy_that_went_on_a_delta_restore_equals_a_full_restore_and_recovers_the_set()
    {
        string copy = await scenario.FullRestore("diverged");
        using (var server = scenario.Start("diverged", copy))
        {
            server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            server.Execute("UPDATE items SET name = 'changed' WHERE id % 7 = 0; CREATE TABLE later AS SELECT g FROM generate_series(1, 20000) g; DROP TABLE in_ts; CHECKPOINT");
            var refused = await Assert.ThrowsAsync<BackupException>(() => scenario.Restore("diverged", delta: true));
            Assert.Equal(Errors.RestoreServerRunning.Id, refused.ErrorId);
            server.Stop();
        }

        var result = await scenario.Restore("diverged", delta: true);
        string full = await scenario.FullRestore("reference");

        Assert.True(result.EntriesRemoved > 0);
        Assert.True(result.FileCount > 0 && result.FilesUnchanged > 0, $"{result.FileCount} written, {result.FilesUnchanged} kept");
        // The two restores differ in where their tablespace lives, so in the tablespace map and link.
        string Mapped(string text) => text.Replace("/reference-ts1", "/diverged-ts1", StringComparison.Ordinal);
        Assert.Equal(Mapped(File.ReadAllText(Path.Combine(full, "tablespace_map"))), File.ReadAllText(Path.Combine(copy, "tablespace_map")));
        Assert.Equal(Mapped(Contents(full, except: "tablespace_map")), Contents(copy, except: "tablespace_map"));
        Assert.Equal(Contents(full + "-ts1"), Contents(copy + "-ts1"));
        using var restored = scenario.Start("diverged-again", copy);
        restored.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(0, restored.Scalar<long>("SELECT count(*) FROM items WHERE name = 'changed'"));
        Assert.Equal(500, restored.Scalar<long>("SELECT count(*) FROM in_ts"));
        Assert.Equal(0, restored.Scalar<long>("SELECT count(*) FROM pg_class WHERE relname = 'later'"));
    }

    [Fact]
    public async Task A_delta_restore_over_another_cluster_or_a_folder_of_files_is_refused_and_changes_nothing()
    {
        string other = scenario.OtherCluster();
        string files = scenario.FolderWithFiles("not-a-cluster");
        var before = (Contents(other), Contents(files));

        var overOther = await Assert.ThrowsAsync<BackupException>(() => scenario.RestoreInto(other, "other", delta: true));
        var overFiles = await Assert.ThrowsAsync<BackupException>(() => scenario.RestoreInto(files, "files", delta: true));

        Assert.Equal(Errors.RestoreDeltaOtherCluster.Id, overOther.ErrorId);
        Assert.Equal(Errors.RestoreDeltaOtherCluster.Id, overFiles.ErrorId);
        Assert.Equal(before, (Contents(other), Contents(files)));
    }

    [Fact]
    public async Task A_delta_restore_removes_a_symlink_it_does_not_know_without_following_it()
    {
        string copy = await scenario.FullRestore("symlink");
        string outside = scenario.FolderWithFiles("outside");
        File.CreateSymbolicLink(Path.Combine(copy, "base", "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(copy, "escape-file"), Path.Combine(outside, "a.txt"));
        string before = Contents(outside);

        var result = await scenario.Restore("symlink", delta: true);

        Assert.Equal(before, Contents(outside));
        Assert.False(File.Exists(Path.Combine(copy, "escape-file")) || Directory.Exists(Path.Combine(copy, "base", "escape")));
        Assert.True(result.EntriesRemoved >= 2);
    }

    [Fact]
    public async Task A_delta_restore_refuses_a_damaged_set_file_it_would_read_before_it_changes_anything()
    {
        string copy = await scenario.FullRestore("damaged-needed");
        string set = scenario.CopyOfSet("damaged-needed");
        File.WriteAllBytes(Path.Combine(copy, scenario.ItemsFile), new byte[8192]);
        Flip(Path.Combine(set, "data", scenario.ItemsFile));
        string before = Contents(copy);

        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(set, copy) { Delta = true, TablespaceMapping = scenario.MappingFor("damaged-needed") }, null, CancellationToken.None));

        Assert.Equal(Errors.BackupSetVerificationFailed.Id, refused.ErrorId);
        Assert.Contains(scenario.ItemsFile, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Contents(copy));
    }

    [Fact]
    public async Task A_delta_restore_reads_only_what_differs_so_a_damaged_set_file_it_keeps_does_not_stop_it()
    {
        string copy = await scenario.FullRestore("damaged-kept");
        string set = scenario.CopyOfSet("damaged-kept");
        Flip(Path.Combine(set, "data", scenario.ItemsFile));

        var result = await BackupSetRestorer.RestoreAsync(
            new RestoreBackupSetRequest(set, copy) { Delta = true, TablespaceMapping = scenario.MappingFor("damaged-kept") }, null, CancellationToken.None);
        var test = await BackupSetVerifier.TestAsync(set, null, null, CancellationToken.None);

        Assert.InRange(result.FileCount, 0, 2);
        Assert.False(test.Passed);
        using var server = scenario.Start("damaged-kept", copy);
        server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
        Assert.Equal(5000, server.Scalar<long>("SELECT count(*) FROM items"));
    }

    private static void Flip(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Every entry under a folder with its kind, size and SHA-256 (links by target).</summary>
    private static string Contents(string root, string? except = null) =>
        string.Join('\n', Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(path => Path.GetRelativePath(root, path) != except)
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var meta = UnixFileSystem.Lstat(path);
                string what = meta.Kind switch
                {
                    FileKind.File => $"{meta.Size} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))} {meta.Permissions:x}",
                    FileKind.SymbolicLink => "-> " + UnixFileSystem.ReadLink(path),
                    _ => meta.Kind.ToString(),
                };
                return $"{Path.GetRelativePath(root, path)} {what}";
            }));

    public sealed class Scenario : IDisposable
    {
        private readonly TempDirectory _temp = new("bkc-pg-delta-");
        private readonly List<PostgresCluster> _started = [];

        public Scenario()
        {
            PostgresCluster.GiveToServerUser(_temp.Path);
            Source = PostgresCluster.Create(_temp.Path);
            string tablespace = Path.Combine(_temp.Path, "pg", "ts1");
            Directory.CreateDirectory(tablespace);
            PostgresCluster.GiveToServerUser(tablespace);
            Source.Execute($"CREATE TABLESPACE ts1 LOCATION '{tablespace}'");
            Source.Execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
            Source.Execute("CREATE TABLE in_ts (id int PRIMARY KEY) TABLESPACE ts1; INSERT INTO in_ts SELECT generate_series(1, 500); CHECKPOINT");
            ItemsFile = Source.Scalar<string>("SELECT pg_relation_filepath('items')");
            Set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, _temp.CreateDirectory("repository")), null, CancellationToken.None).GetAwaiter().GetResult();
        }

        public PostgresCluster Source { get; }

        public BackupSet Set { get; }

        /// <summary>The heap file of the table items, relative to the data directory.</summary>
        public string ItemsFile { get; }

        public async Task<string> FullRestore(string name)
        {
            await Restore(name, delta: false);
            return Path.Combine(_temp.Path, name);
        }

        public Task<RestoreResult> Restore(string name, bool delta) => RestoreInto(Path.Combine(_temp.Path, name), name, delta);

        public Task<RestoreResult> RestoreInto(string destination, string name, bool delta) =>
            BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(Set.Path, destination) { Delta = delta, TablespaceMapping = MappingFor(name) }, null, CancellationToken.None);

        public Dictionary<string, string> MappingFor(string name) => new() { ["ts1"] = Path.Combine(_temp.Path, name + "-ts1") };

        /// <summary>A copy of the set in a repository of its own, to damage.</summary>
        public string CopyOfSet(string name)
        {
            string repository = Directory.CreateDirectory(Path.Combine(_temp.Path, name + "-repository")).FullName;
            string copy = Path.Combine(repository, Path.GetFileName(Set.Path));
            ExternalTool.Run("cp", "-a", Set.Path, copy).EnsureSuccess("cp -a");
            return copy;
        }

        public PostgresCluster Start(string name, string dataDirectory)
        {
            var cluster = PostgresCluster.StartOn(Path.Combine(_temp.Path, name + "-server"), dataDirectory);
            _started.Add(cluster);
            return cluster;
        }

        /// <summary>A stopped cluster that is not the set's (initdb gives it its own system identifier).</summary>
        public string OtherCluster()
        {
            string root = Path.Combine(_temp.Path, "other");
            Directory.CreateDirectory(root);
            PostgresCluster.GiveToServerUser(root);
            PostgresCluster.RunAsServerUser("initdb", "-D", Path.Combine(root, "data"), "-A", "trust", "-U", "postgres", "--no-sync").EnsureSuccess("initdb");
            return Path.Combine(root, "data");
        }

        public string FolderWithFiles(string name)
        {
            string folder = Directory.CreateDirectory(Path.Combine(_temp.Path, name)).FullName;
            File.WriteAllText(Path.Combine(folder, "a.txt"), "a file of someone's");
            Directory.CreateDirectory(Path.Combine(folder, "sub"));
            File.WriteAllText(Path.Combine(folder, "sub", "b.txt"), "another");
            return folder;
        }

        public void Dispose()
        {
            foreach (var cluster in _started)
            {
                cluster.Dispose();
            }

            Source.Dispose();
            _temp.Dispose();
        }
    }
}
