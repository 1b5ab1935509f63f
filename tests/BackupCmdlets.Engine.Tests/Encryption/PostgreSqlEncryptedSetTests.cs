using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Encryption;

/// <summary>
/// Encrypted sets against a real server, each file stored as it is or zstd-compressed first (the two
/// classes below): a full set and an incremental under a key file hold nothing in the clear, restore
/// (into an empty folder and -Delta over a copy) to exactly the tables at the backup's end, and pass
/// Test-BackupSet with the key; a changed byte is found with the key even when the manifest was made to
/// agree; a missing or wrong key is a clear error before anything is written.
/// </summary>
public abstract class PostgreSqlEncryptedSetTests(PostgreSqlEncryptedSetTests.Scenario scenario)
{
    [Fact]
    public void No_file_of_the_sets_holds_the_data_or_the_key_in_the_clear()
    {
        byte[] marker = Encoding.ASCII.GetBytes(Scenario.Marker);
        byte[] key = File.ReadAllBytes(scenario.KeyFile);
        foreach (var set in new[] { scenario.Full, scenario.Incremental })
        {
            var manifest = ManifestStore.Read(set.Path);
            Assert.Equal(ManifestEncryption.SchemeName, manifest.Encryption?.Scheme);
            Assert.Equal(ManifestEncryption.SchemeName, set.Encryption);
            Assert.Contains(manifest.Files, f => f.Path.StartsWith("wal/", StringComparison.Ordinal));
            foreach (var file in manifest.Files)
            {
                byte[] stored = File.ReadAllBytes(Path.Combine(set.Path, file.Path));
                Assert.True(stored.AsSpan().StartsWith("BCSEAL01"u8), $"{file.Path} is not an encrypted file");
                Assert.True(stored.AsSpan().IndexOf(marker) < 0, $"{file.Path} holds the marker row in the clear");
                Assert.Null(file.ContentSha256);
                bool compressedWal = scenario.CompressesFiles && file.Path.StartsWith("wal/", StringComparison.Ordinal);
                Assert.True(file.ContentMac is not null || compressedWal, $"{file.Path} has no content MAC");
                Assert.Equal(scenario.CompressesFiles && !file.Path.StartsWith("wal/", StringComparison.Ordinal) && file.Path != "data/backup_label", file.Compression is not null);
            }

            if (scenario.CompressesFiles)
            {
                var data = manifest.Files.Where(f => f.Compression is not null).ToList();
                Assert.True(data.Sum(f => f.Size) * 3 < data.Sum(f => f.ContentSize!.Value), "the files were not compressed before they were encrypted");
                Assert.All(manifest.Files.Where(f => f.Path.StartsWith("wal/", StringComparison.Ordinal)), f => Assert.EndsWith(".zst", f.Path, StringComparison.Ordinal));
            }

            string manifestText = File.ReadAllText(ManifestStore.PathIn(set.Path));
            foreach (string form in new[] { Convert.ToHexString(key), Convert.ToHexString(key).ToLowerInvariant(), Convert.ToBase64String(key) })
            {
                Assert.DoesNotContain(form, manifestText, StringComparison.Ordinal);
            }
        }

        Assert.Equal(BackupType.Incremental, scenario.Incremental.Type);
        Assert.Contains(ManifestStore.Read(scenario.Incremental.Path).PageDeltas, d => d.StoredPath is not null);
    }

    [Fact]
    public async Task The_incremental_restores_with_the_key_to_the_tables_at_its_end_and_passes_pg_checksums()
    {
        string data = scenario.Folder("restored");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, data) { RecoverToConsistency = true, EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);

        using (var server = scenario.Start("restored", data))
        {
            server.WaitForRecoveryToEnd(TimeSpan.FromMinutes(2));
            Assert.Equal(scenario.ExpectedAtIncremental, PostgreSqlIncrementalTests.Scenario.Fingerprint(server));
            Assert.Equal(1L, server.Scalar<long>($"SELECT count(*) FROM secrets WHERE note = '{Scenario.Marker}'"));
            server.Stop();
        }

        PostgresCluster.RunAsServerUser("pg_checksums", "--check", "-D", data).EnsureSuccess("pg_checksums --check");
    }

    [Fact]
    public async Task A_delta_restore_over_a_copy_of_the_full_set_equals_a_restore_into_an_empty_folder()
    {
        string copy = scenario.Folder("delta-copy");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Full.Path, copy) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        string reference = scenario.Folder("delta-reference");
        await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, reference) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);

        var delta = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, copy) { Delta = true, EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.True(delta.FilesUnchanged > 100, $"{delta.FilesUnchanged} kept");
        Assert.Equal(PostgreSqlIncrementalTests.Scenario.Tree(reference), PostgreSqlIncrementalTests.Scenario.Tree(copy));

        var again = await BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, copy) { Delta = true, EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        // Over an identical copy: what a restore writes itself, and the set's WAL, decrypted into pg_wal as every restore of an encrypted set does.
        Assert.InRange(again.FileCount, 0, 2 + ManifestStore.Read(scenario.Incremental.Path).RedoFiles.Count);
    }

    [Fact]
    public async Task Test_BackupSet_authenticates_every_file_with_the_key_and_says_when_it_could_not()
    {
        var withKey = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Incremental.Path) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.True(withKey.Passed, string.Join("; ", withKey.Problems));
        Assert.True(withKey.ContentAuthenticated);
        Assert.True(withKey.RedoComplete);

        var withoutKey = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Incremental.Path), null, CancellationToken.None);
        Assert.True(withoutKey.Passed, string.Join("; ", withoutKey.Problems));
        Assert.False(withoutKey.ContentAuthenticated);

        var wrong = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Incremental.Path) { EncryptionKeyFile = scenario.OtherKeyFile }, null, CancellationToken.None));
        Assert.Equal(Errors.EncryptionKeyWrong, wrong.Error);
    }

    [Fact]
    public async Task A_changed_byte_the_manifest_agrees_with_is_found_with_the_key_and_stops_the_restore()
    {
        string repository = scenario.CopyOfRepository("damaged");
        string full = Path.Combine(repository, Path.GetFileName(scenario.Full.Path));
        string target = ManifestStore.Read(full).Files.Where(f => f.Path.StartsWith("data/base/", StringComparison.Ordinal)).MaxBy(f => f.Size)!.Path;
        BackupSetDamage.DamageAndReseal(full, target, 70_000, length: 1);

        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(full) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.False(test.Passed);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.EncryptedFileDamaged.Id && p.Path == target);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.EncryptedFileDamaged.Id && p.Path == ManifestStore.PathIn(full));

        string destination = scenario.Folder("never-restored");
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(full, destination) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed, refused.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public async Task A_file_sealed_again_under_the_set_key_is_not_taken_for_the_one_the_set_wrote()
    {
        string repository = scenario.CopyOfRepository("resealed");
        string set = Path.Combine(repository, Path.GetFileName(scenario.Full.Path));
        var manifest = ManifestStore.Read(set);
        var key = new SetKey(EncryptionSecret.From(null, scenario.KeyFile)!.MasterKey(manifest.Encryption!, set));
        string target = manifest.Files.First(f => f.Path.EndsWith("PG_VERSION", StringComparison.Ordinal)).Path;
        string path = Path.Combine(set, target);
        byte[] content;
        using (var reader = key.Open(path, target))
        {
            content = new byte[reader.Length];
            reader.Read(content, 0);
        }

        // Authentic chunks under the right key and name, of a file the set did not write (another salt): a replay.
        using (var file = new FileStream(path, FileMode.Create))
        using (var seal = key.Seal(file, target))
        {
            seal.Write(content);
            seal.Complete();
        }

        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.Contains(test.Problems, p => p.ErrorId == Errors.EncryptedFileDamaged.Id && p.Path == target);
    }

    [Fact]
    public async Task A_changed_manifest_is_found_with_the_key()
    {
        string repository = scenario.CopyOfRepository("manifest");
        string set = Path.Combine(repository, Path.GetFileName(scenario.Incremental.Path));
        string manifest = ManifestStore.PathIn(set);
        string text = File.ReadAllText(manifest);
        string owner = $"\"ownerId\": {ManifestStore.Read(set).OwnerId}";
        Assert.Contains(owner, text);
        File.WriteAllText(manifest, text.Replace(owner, "\"ownerId\": 0", StringComparison.Ordinal));

        var withKey = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        var problem = Assert.Single(withKey.Problems);
        Assert.Equal((Errors.EncryptedFileDamaged.Id, manifest), (problem.ErrorId, problem.Path));
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(set, scenario.Folder("never-chowned")) { EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed, refused.Error);

        // Without the key only the stored files are checked: a manifest edit is not seen.
        Assert.True((await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set), null, CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_restore_without_the_key_or_with_another_is_refused_before_anything_is_written()
    {
        string destination = scenario.Folder("keyless");
        var missing = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, destination), null, CancellationToken.None));
        Assert.Equal(Errors.EncryptionKeyRequired, missing.Error);
        Assert.Contains("-EncryptionKeyFile", missing.Message);

        var other = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, destination) { EncryptionKeyFile = scenario.OtherKeyFile }, null, CancellationToken.None));
        Assert.Equal(Errors.EncryptionKeyWrong, other.Error);

        var passphrase = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(new RestoreBackupSetRequest(scenario.Incremental.Path, destination) { EncryptionKey = Scenario.Secure("not the key file") }, null, CancellationToken.None));
        Assert.Equal(Errors.EncryptionKeyWrong, passphrase.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public async Task A_set_under_a_passphrase_opens_with_that_passphrase_only_and_an_incremental_under_another_key_is_a_full_set()
    {
        string repository = scenario.Folder("passphrase-repository");
        var set = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, repository) { EncryptionKey = Scenario.Secure("correct horse battery staple") }, null, CancellationToken.None);
        Assert.Equal(ManifestEncryption.PassphraseKdf, ManifestStore.Read(set.Path).Encryption!.Kdf);

        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path) { EncryptionKey = Scenario.Secure("correct horse battery staple") }, null, CancellationToken.None);
        Assert.True(test.Passed && test.ContentAuthenticated == true, string.Join("; ", test.Problems));
        var wrong = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path) { EncryptionKey = Scenario.Secure("correct horse battery stapler") }, null, CancellationToken.None));
        Assert.Equal(Errors.EncryptionKeyWrong, wrong.Error);

        var incremental = await DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, repository) { Type = BackupType.Incremental, EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.Equal(BackupType.Full, incremental.Type);
        Assert.Contains("encrypted with the key file", incremental.FullBackupReason);
    }

    [Fact]
    public async Task What_cannot_be_encrypted_and_bad_keys_are_refused_before_a_set_is_made()
    {
        string repository = scenario.Folder("refused-repository");
        async Task<BackupException> Refused(StartBackupRequest request) =>
            await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(request, null, CancellationToken.None));
        var pg = new StartBackupRequest(DatabaseEngine.PostgreSql, scenario.Source.ConnectionString, repository);

        Assert.Equal(Errors.EncryptionNotSupported, (await Refused(pg with { EncryptionKeyFile = scenario.KeyFile, Compression = ArchiveCompression.Zstd })).Error);
        Assert.Equal(Errors.EncryptionNotSupported, (await Refused(new StartBackupRequest(DatabaseEngine.Sqlite, "Data Source=" + scenario.Folder("sqlite") + "/x.db", repository) { EncryptionKeyFile = scenario.KeyFile })).Error);
        Assert.Equal(Errors.EncryptionKeyInvalid, (await Refused(pg with { EncryptionKeyFile = scenario.KeyFile, EncryptionKey = Scenario.Secure("both") })).Error);
        string shortKey = Path.Combine(scenario.Folder("short-key"), "key");
        File.WriteAllBytes(shortKey, RandomNumberGenerator.GetBytes(16));
        var tooShort = await Refused(pg with { EncryptionKeyFile = shortKey });
        Assert.Equal(Errors.EncryptionKeyInvalid, tooShort.Error);
        Assert.Contains("16 bytes", tooShort.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(repository));
    }

    [Fact]
    public async Task A_time_target_past_the_sets_WAL_is_refused_with_when_its_last_transaction_ended_read_through_the_key()
    {
        var request = new RestoreBackupSetRequest(scenario.Incremental.Path, scenario.PathOf("past-the-wal")) { EncryptionKeyFile = scenario.KeyFile, RecoveryTargetTime = DateTimeOffset.UtcNow.AddMinutes(5) };

        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupSetRestorer.RestoreAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.RecoveryTargetNotReachable, refused.Error);
        var ended = Regex.Match(refused.Message, @"last transaction in .* \((\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ) in segment");
        Assert.True(ended.Success, refused.Message);
        Assert.InRange(DateTimeOffset.Parse(ended.Groups[1].Value, CultureInfo.InvariantCulture), scenario.Incremental.StartTime.AddSeconds(-1), scenario.Incremental.StopTime!.Value.AddSeconds(1));
        Assert.False(Directory.Exists(request.DestinationPath));
    }

    [Fact]
    public async Task A_trial_restore_with_the_key_passes_pg_amcheck()
    {
        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Incremental.Path) { Restore = true, ScratchPath = scenario.Folder("scratch"), EncryptionKeyFile = scenario.KeyFile }, null, CancellationToken.None);
        Assert.True(result.Passed, string.Join("; ", result.Problems));
        Assert.True(result.RestoreTest!.Passed, result.RestoreTest.Detail);
    }

    public abstract class Scenario : PostgresScenario
    {
        public const string Marker = "MARKER-7f3a9c1e-not-for-your-eyes";

        /// <param name="compressesFiles">Plain sets with -Compression Zstd: each file compressed, then encrypted.</param>
        protected Scenario(string prefix, bool compressesFiles)
            : base(prefix)
        {
            CompressesFiles = compressesFiles;
            KeyFile = Path.Combine(Folder("keys"), "set.key");
            File.WriteAllBytes(KeyFile, RandomNumberGenerator.GetBytes(32));
            OtherKeyFile = Path.Combine(Folder("keys"), "other.key");
            File.WriteAllBytes(OtherKeyFile, RandomNumberGenerator.GetBytes(32));
            Source.Pgbench("-i", "-s", "2", "-q");
            Source.Execute("CREATE TABLE shrinking (id int, pad text); INSERT INTO shrinking SELECT g, repeat('x', 200) FROM generate_series(1, 3000) g; CREATE TABLE secrets (note text); CHECKPOINT");
            Full = Take(BackupType.Full);
            Source.Pgbench("-c", "2", "-t", "300", "-n");
            Source.Execute($"INSERT INTO secrets VALUES ('{Marker}')");
            // Committed while the incremental copies: the last transaction to end in the set's own WAL.
            Incremental = Take(BackupType.Incremental, new OnceProgress(p => p.Status == "Copying", () => Source.Execute("INSERT INTO secrets VALUES ('during the backup')")));
            ExpectedAtIncremental = PostgreSqlIncrementalTests.Scenario.Fingerprint(Source);
        }

        public bool CompressesFiles { get; }

        public string KeyFile { get; }

        public string OtherKeyFile { get; }

        public BackupSet Full { get; }

        public BackupSet Incremental { get; }

        public string ExpectedAtIncremental { get; }

        public static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }

        private BackupSet Take(BackupType type, IProgress<OperationProgress>? progress = null)
        {
            var set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, Repository) { Type = type, EncryptionKeyFile = KeyFile, Format = BackupFormat.Plain, Compression = CompressesFiles ? ArchiveCompression.Zstd : ArchiveCompression.None }, progress, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Null(set.FullBackupReason);
            return set;
        }
    }
}

/// <summary>Encrypted sets whose files are stored as they are, then encrypted.</summary>
public sealed class PostgreSqlEncryptedPlainSetTests(PostgreSqlEncryptedPlainSetTests.PlainScenario scenario) : PostgreSqlEncryptedSetTests(scenario), IClassFixture<PostgreSqlEncryptedPlainSetTests.PlainScenario>
{
    public sealed class PlainScenario() : Scenario("bkc-pg-enc-", compressesFiles: false);
}

/// <summary>Encrypted sets whose files are zstd-compressed on their own (-Format Plain -Compression Zstd), then encrypted.</summary>
public sealed class PostgreSqlEncryptedZstdSetTests(PostgreSqlEncryptedZstdSetTests.ZstdScenario scenario) : PostgreSqlEncryptedSetTests(scenario), IClassFixture<PostgreSqlEncryptedZstdSetTests.ZstdScenario>
{
    public sealed class ZstdScenario() : Scenario("bkc-pg-encz-", compressesFiles: true);
}
