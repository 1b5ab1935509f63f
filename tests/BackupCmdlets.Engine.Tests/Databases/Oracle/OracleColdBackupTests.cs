using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>Oracle cold backups against the simulator: every file listed, SHUTDOWN IMMEDIATE, copy, STARTUP always.</summary>
public sealed class OracleColdBackupTests
{
    [Fact]
    public async Task A_cold_backup_lists_every_file_shuts_down_copies_checks_every_block_and_starts_up()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-cold-");
        var db = scenario.Database;
        db.StartWriter();
        var set = await scenario.ColdAsync(scenario.Request());
        db.StopWriter();

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(BackupKind.Cold, set.Kind);
        Assert.True(db.IsOpen);
        var statements = db.Statements;
        int logfiles = OracleStatementLog.IndexOf(statements, "SELECT member FROM v$logfile");
        int controlfiles = OracleStatementLog.IndexOf(statements, "SELECT name FROM v$controlfile");
        int shutdown = OracleStatementLog.IndexOf(statements, "SHUTDOWN IMMEDIATE");
        int startup = OracleStatementLog.IndexOf(statements, "STARTUP");
        Assert.True(logfiles >= 0 && controlfiles >= 0 && logfiles < shutdown && controlfiles < shutdown && shutdown < startup, string.Join('\n', statements));

        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(
            ["controlfile/01_control01.ctl", "datafiles/0001_system01.dbf", "datafiles/0002_sysaux02.dbf", "datafiles/0003_users03.dbf", "datafiles/0004_users04.dbf", "redo/01_redo01.log", "redo/02_redo02.log"],
            manifest.Files.Select(f => f.Path));
        // The writer starts again with the database: datafiles are judged by their blocks, the other files byte for byte.
        foreach (var file in manifest.Files)
        {
            string copy = Path.Combine(set.Path, file.Path);
            if (file.Path.StartsWith("datafiles/", StringComparison.Ordinal))
            {
                var result = await DatafileBlockTester.TestAsync(new TestDatafileBlockRequest(copy), null, CancellationToken.None);
                Assert.True(result.IsValid && result.Fractured == 0 && result.Checked > 0, string.Join('\n', result.Findings));
                Assert.Null(result.StartScn);
            }
            else
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(db.DataFolder, Path.GetFileName(file.Path)[3..])), File.ReadAllBytes(copy));
            }
        }

        Assert.True(db.BlocksWritten > 0);
        Assert.True(set.BlocksChecked > 0);
        Assert.Equal(0, set.TornBlocks);
        Assert.Equal(0, set.CorruptBlocks);
    }

    [Fact]
    public async Task When_the_cold_copy_fails_the_database_is_started_again_all_the_same()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-coldfull-");
        using var volume = new TmpfsVolume(scenario.Temp.Combine("small"), 512);
        scenario.Repository = volume.Path;
        var db = scenario.Database;

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.ColdAsync(scenario.Request()));

        Assert.Equal(Errors.BackupCopyFailed.Id, error.ErrorId);
        Assert.True(db.IsOpen);
        var statements = db.Statements;
        Assert.True(OracleStatementLog.IndexOf(statements, "SHUTDOWN IMMEDIATE") < OracleStatementLog.IndexOf(statements, "STARTUP"));
        Assert.False(ManifestStore.Exists(Assert.Single(scenario.SetFolders())));
    }

    [Fact]
    public async Task A_cancelled_cold_backup_starts_the_database_again()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-coldcancel-");
        using var cancel = new CancellationTokenSource();
        var progress = new OnceProgress(p => p.Status == "Copying", cancel.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.ColdAsync(scenario.Request(), progress, cancel.Token));

        Assert.True(scenario.Database.IsOpen);
        Assert.Contains("STARTUP", scenario.Database.Statements);
    }

    [Fact]
    public async Task A_shutdown_the_database_refuses_is_its_own_error_and_the_database_stays_open()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-noshut-");
        scenario.Database.LeaveInBackupMode("USERS");

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.ColdAsync(scenario.Request()));

        Assert.Equal(Errors.DatabaseShutdownFailed.Id, error.ErrorId);
        Assert.Contains("ORA-01149", error.Message);
        Assert.True(scenario.Database.IsOpen);
        Assert.DoesNotContain("STARTUP", scenario.Database.Statements);
    }

    [Fact]
    public async Task In_a_cold_copy_a_bad_block_is_corruption()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-coldcorrupt-");
        scenario.Database.CorruptBlock(2, 7);

        var set = await scenario.ColdAsync(scenario.Request());

        Assert.Equal(BackupSetStatus.Failed, set.Status);
        var problem = Assert.Single(set.Problems);
        Assert.Equal("datafiles/0002_sysaux02.dbf", problem.Path);
        Assert.Contains("block 7 ", problem.Message);
        Assert.True(scenario.Database.IsOpen);
    }
}
