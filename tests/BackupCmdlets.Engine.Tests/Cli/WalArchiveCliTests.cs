using System.Text.Json;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Cli;

/// <summary>
/// The WAL archive commands as PostgreSQL runs them: exit code 0 only when the file is archived (or was,
/// with the same content) or fetched; a conflict exits with 1 and its id on stderr, where the server log
/// shows it; a file the archive does not hold exits with 1 and prints nothing. An encrypted archive: without
/// its key, with a wrong one or with a damaged file the commands exit with 1, their id on stderr, and write nothing.
/// </summary>
[Trait("Front", "NativeCli")]
public sealed class WalArchiveCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Archive_and_restore_commands_answer_PostgreSQL_with_their_exit_codes()
    {
        string archive = _temp.CreateDirectory("archive");
        string history = _temp.WriteFile("pg_wal/00000002.history", "1\t0/3000000\tno recovery target specified\n");

        var pushed = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive, "--json");
        var again = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive, "--json");
        File.WriteAllText(history, "1\t0/4000000\tno recovery target specified\n");
        var conflict = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive);
        var fetched = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", _temp.Combine("RECOVERYHISTORY"), "--archive-path", archive);
        var missing = CliProcess.Run("restore-walsegment", "--name", "00000003.history", "--destination-path", _temp.Combine("RECOVERYHISTORY3"), "--archive-path", archive);
        var usage = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", _temp.Combine("x"));

        Assert.Equal(0, pushed.ExitCode);
        Assert.Equal("Archived", JsonDocument.Parse(pushed.StandardOutput).RootElement.GetProperty("Action").GetString());
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("AlreadyArchived", JsonDocument.Parse(again.StandardOutput).RootElement.GetProperty("Action").GetString());
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("error WalSegmentConflict", conflict.StandardError);
        Assert.Equal(0, fetched.ExitCode);
        Assert.Equal("1\t0/3000000\tno recovery target specified\n", File.ReadAllText(_temp.Combine("RECOVERYHISTORY")));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("", missing.StandardError + missing.StandardOutput);
        Assert.False(File.Exists(_temp.Combine("RECOVERYHISTORY3")));
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public void An_encrypted_archive_answers_with_exit_codes_and_writes_nothing_without_the_right_key()
    {
        string archive = _temp.CreateDirectory("archive");
        string history = _temp.WriteFile("pg_wal/00000002.history", "1\t0/3000000\tno recovery target specified\n");
        string key = _temp.WriteFile("wal.key", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string otherKey = _temp.WriteFile("other.key", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string At(string name) => _temp.Combine(name);

        var pushed = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive, "--encryption-key-file", key, "--json");
        var again = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive, "--encryption-key-file", key, "--json");
        var clear = CliProcess.Run("backup-walsegment", "--path", history, "--archive-path", archive);
        var noKey = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", At("no-key"), "--archive-path", archive);
        var wrongKey = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", At("wrong-key"), "--archive-path", archive, "--encryption-key-file", otherKey);
        var passphrase = ExternalTool.Run("env", ["BACKUPCMDLETS_ENCRYPTION_KEY=not the key file", .. CliProcess.Launcher, "restore-walsegment", "--name", "00000002.history", "--destination-path", At("passphrase"), "--archive-path", archive]);
        var fetched = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", At("RECOVERYHISTORY"), "--archive-path", archive, "--encryption-key-file", key);
        string stored = Path.Combine(archive, "00000002.history.zst");
        byte[] bytes = File.ReadAllBytes(stored);
        bytes[^20] ^= 1;
        File.WriteAllBytes(stored, bytes);
        var damaged = CliProcess.Run("restore-walsegment", "--name", "00000002.history", "--destination-path", At("damaged"), "--archive-path", archive, "--encryption-key-file", key);

        Assert.Equal(0, pushed.ExitCode);
        Assert.Equal("Archived", JsonDocument.Parse(pushed.StandardOutput).RootElement.GetProperty("Action").GetString());
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("AlreadyArchived", JsonDocument.Parse(again.StandardOutput).RootElement.GetProperty("Action").GetString());
        Assert.Equal(1, clear.ExitCode);
        Assert.Contains("error EncryptionKeyRequired", clear.StandardError);
        Assert.Equal(1, noKey.ExitCode);
        Assert.Contains("error EncryptionKeyRequired", noKey.StandardError);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("error EncryptionKeyWrong", wrongKey.StandardError);
        Assert.Equal(1, passphrase.ExitCode);
        Assert.Contains("error EncryptionKeyWrong", passphrase.StandardError);
        Assert.Equal(0, fetched.ExitCode);
        Assert.Equal("", fetched.StandardOutput + fetched.StandardError);
        Assert.Equal("1\t0/3000000\tno recovery target specified\n", File.ReadAllText(At("RECOVERYHISTORY")));
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("error EncryptedFileDamaged", damaged.StandardError);
        Assert.All(new[] { "no-key", "wrong-key", "passphrase", "damaged" }, name => Assert.False(File.Exists(At(name)), name));
        Assert.Equal(["00000002.history.zst", "backupcmdlets-archive.json"], Directory.EnumerateFiles(archive).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
