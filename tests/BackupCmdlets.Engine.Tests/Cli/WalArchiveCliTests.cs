using System.Text.Json;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Cli;

/// <summary>
/// The WAL archive commands as PostgreSQL runs them: exit code 0 only when the file is archived (or was,
/// with the same content) or fetched; a conflict exits with 1 and its id on stderr, where the server log
/// shows it; a file the archive does not hold exits with 1 and prints nothing.
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
}
