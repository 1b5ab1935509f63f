using System.Security.Cryptography;
using System.Text.Json;
using BackupCmdlets.Engine.Tests.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Encryption;

/// <summary>An encrypted PostgreSQL set through the CLI (its files as they are, or each zstd-compressed first): --encryption-key-file on each command, and the passphrase from BACKUPCMDLETS_ENCRYPTION_KEY.</summary>
[Trait("Front", "NativeCli")]
public sealed class EncryptedSetCliTests
{
    [Theory]
    [InlineData("None")]
    [InlineData("Zstd")]
    public void A_set_under_a_key_file_is_tested_and_restored_with_it_and_refused_without_it(string compression)
    {
        using var temp = new TempDirectory("bkc-cli-enc-");
        using var cluster = PostgresCluster.Create(temp.Path);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 20000) g");
        string key = temp.WriteFile("set.key", RandomNumberGenerator.GetBytes(32));
        string repository = temp.CreateDirectory("repository");

        var hot = CliProcess.Run("Start-HotBackup", "--engine", "PostgreSql", "--connection-string", cluster.ConnectionString, "--destination-path", repository, "--format", "Plain", "--compression", compression, "--encryption-key-file", key, "--json")
            .EnsureSuccess("Start-HotBackup");
        var set = JsonDocument.Parse(hot.StandardOutput).RootElement;
        Assert.Equal("AES-256-GCM/BCSEAL01", set.GetProperty("Encryption").GetString());
        Assert.Equal(compression, set.GetProperty("Compression").GetString());
        string setPath = set.GetProperty("Path").GetString()!;

        var keyless = CliProcess.Run("Test-BackupSet", "--path", setPath, "--json").EnsureSuccess("Test-BackupSet without the key");
        Assert.False(JsonDocument.Parse(keyless.StandardOutput).RootElement.GetProperty("ContentAuthenticated").GetBoolean());
        var keyed = CliProcess.Run("Test-BackupSet", "--path", setPath, "--encryption-key-file", key, "--json").EnsureSuccess("Test-BackupSet with the key");
        Assert.True(JsonDocument.Parse(keyed.StandardOutput).RootElement.GetProperty("ContentAuthenticated").GetBoolean());
        var passphrase = ExternalTool.Run("env", ["BACKUPCMDLETS_ENCRYPTION_KEY=not the key file", .. CliProcess.Launcher, "Test-BackupSet", "--path", setPath]);
        Assert.Equal(1, passphrase.ExitCode);
        Assert.Contains("EncryptionKeyWrong", passphrase.StandardError);

        string restored = Path.Combine(temp.CreateDirectory("restored"), "data");
        var refused = CliProcess.Run("Restore-BackupSet", "--path", setPath, "--destination-path", restored);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("EncryptionKeyRequired", refused.StandardError);
        Assert.Contains("--encryption-key-file", refused.StandardError);
        Assert.False(Directory.Exists(restored));

        CliProcess.Run("Restore-BackupSet", "--path", setPath, "--destination-path", restored, "--encryption-key-file", key).EnsureSuccess("Restore-BackupSet");
        using var copy = PostgresCluster.Attach(Path.GetDirectoryName(restored)!, restored);
        copy.Start("-c archive_mode=off");
        copy.WaitForRecoveryToEnd(TimeSpan.FromMinutes(3));
        Assert.Equal(20000, copy.Scalar<long>("SELECT count(*) FROM items"));
    }
}
