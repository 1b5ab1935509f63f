using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The restore's settings block as PostgreSQL's own parser reads it back (postgres -C).</summary>
public sealed class RecoverySettingsTests
{
    [Fact]
    public void A_restore_command_with_sh_quoted_quotes_and_backslashes_reads_back_as_written()
    {
        using var temp = new TempDirectory("bkc-pg-quote-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        string value = "pwsh -Command 'Import-Module '\\''/opt/it'\\''s'\\''; Restore-WalSegment' \\n";

        RecoverySettings.Write(Path.Combine(cluster.DataDirectory, "postgresql.auto.conf"), [("restore_command", value)], replacesArchiving: false);
        var shown = PostgresCluster.RunAsServerUser("postgres", "-C", "restore_command", "-D", cluster.DataDirectory);

        Assert.True(shown.ExitCode == 0, shown.StandardError);
        Assert.Equal(value, shown.StandardOutput.TrimEnd('\n'));
    }
}
