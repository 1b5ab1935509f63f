using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>Every BEGIN BACKUP gets its END BACKUP when the copy fails, is cancelled, or loses its session; and when it cannot, the error says so loudly.</summary>
public sealed class OracleFailureTests
{
    [Fact]
    public async Task When_the_destination_fills_up_the_copy_fails_and_backup_mode_is_still_ended_and_no_set_is_complete()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-full-");
        using var volume = new TmpfsVolume(scenario.Temp.Combine("small"), 1024);
        scenario.Repository = volume.Path;
        var db = scenario.Database;
        db.StartWriter();
        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));
        db.StopWriter();

        Assert.Equal(Errors.BackupCopyFailed.Id, error.ErrorId);
        Assert.Empty(db.ActiveFiles);
        OracleStatementLog.AssertEveryBeginHasItsEnd(db.Statements);
        Assert.DoesNotContain(db.Statements, s => s.Contains("ARCHIVE LOG CURRENT", StringComparison.Ordinal));
        var folder = Assert.Single(scenario.SetFolders());
        Assert.False(ManifestStore.Exists(folder));
        Assert.Equal(BackupSetStatus.Incomplete, Assert.Single(BackupRepository.List(new GetBackupSetRequest(volume.Path))).Status);
    }

    [Fact]
    public async Task A_cancel_during_the_copy_still_ends_backup_mode_and_leaves_an_incomplete_set()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-cancel-");
        var db = scenario.Database;
        using var cancel = new CancellationTokenSource();
        var progress = new OnceProgress(p => p.Status == "Copying", cancel.Cancel);
        db.StartWriter();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.HotAsync(scenario.Request(), progress, cancel.Token));
        db.StopWriter();

        Assert.Empty(db.ActiveFiles);
        var statements = db.Statements;
        OracleStatementLog.AssertEveryBeginHasItsEnd(statements);
        Assert.Single(OracleStatementLog.Begins(statements));
        Assert.False(ManifestStore.Exists(Assert.Single(scenario.SetFolders())));
    }

    [Fact]
    public async Task A_session_dropped_during_the_copy_is_replaced_to_end_backup_mode_and_the_backup_completes()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-drop-");
        var db = scenario.Database;
        var progress = new OnceProgress(p => p.Status == "Copying", db.DropConnections);
        db.StartWriter();
        var set = await scenario.HotAsync(scenario.Request(), progress);
        db.StopWriter();

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Empty(db.ActiveFiles);
        var statements = db.Statements;
        OracleStatementLog.AssertEveryBeginHasItsEnd(statements);
        int dropped = OracleStatementLog.IndexOf(statements, "-- every session dropped");
        Assert.True(dropped > 0);
        Assert.Contains(statements.Skip(dropped), s => s.EndsWith(" END BACKUP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_backup_mode_cannot_be_ended_the_error_names_every_tablespace_left_in_it()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-lost-");
        var db = scenario.Database;
        var progress = new OnceProgress(p => p.Status == "Copying", () =>
        {
            db.RefuseConnections = true;
            db.DropConnections();
        });
        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request() with { WholeDatabase = true }, progress));

        Assert.Equal(Errors.EndBackupFailed.Id, error.ErrorId);
        Assert.Contains("BACKUP MODE WAS NOT ENDED", error.Message);
        foreach (string tablespace in new[] { "SYSTEM", "SYSAUX", "USERS" })
        {
            Assert.Contains($"\"{tablespace}\"", error.Message);
        }

        Assert.Contains("ALTER DATABASE END BACKUP", error.Message);
        Assert.Equal([1, 2, 3, 4], db.ActiveFiles);
        Assert.False(ManifestStore.Exists(Assert.Single(scenario.SetFolders())));
    }

    [Fact]
    public async Task A_missing_datafile_stops_the_backup_at_its_tablespace_and_every_earlier_begin_was_ended()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-missing-");
        var db = scenario.Database;
        db.DeleteDatafile(4);

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));

        Assert.Equal(Errors.BackupStartFailed.Id, error.ErrorId);
        Assert.Contains("ORA-01157", error.Message);
        Assert.Contains("USERS", error.Message);
        Assert.Empty(db.ActiveFiles);
        OracleStatementLog.AssertEveryBeginHasItsEnd(db.Statements);
        Assert.Equal(["TABLESPACE \"SYSTEM\"", "TABLESPACE \"SYSAUX\""], OracleStatementLog.Begins(db.Statements));
        Assert.Contains("ALTER TABLESPACE \"USERS\" BEGIN BACKUP -- ORA-01157: cannot identify/lock data file 4 - see DBWR trace file", db.Statements);
        Assert.False(ManifestStore.Exists(Assert.Single(scenario.SetFolders())));
    }

    [Fact]
    public async Task Archived_logs_missing_from_disk_fail_the_backup_after_every_end_backup_and_no_set_is_complete()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-nologs-");
        var db = scenario.Database;
        db.LoseArchivedLogs = true;

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));

        Assert.Equal(Errors.OracleArchivedLogsIncomplete.Id, error.ErrorId);
        Assert.Contains("is not on this host", error.Message);
        Assert.Empty(db.ActiveFiles);
        OracleStatementLog.AssertEveryBeginHasItsEnd(db.Statements);
        Assert.False(ManifestStore.Exists(Assert.Single(scenario.SetFolders())));
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_a_connection_error_and_nothing_is_written()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-noconnect-");
        scenario.Database.RefuseConnections = true;

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request() with { Credential = new System.Net.NetworkCredential("backup", Password) }));

        Assert.Equal(Errors.DatabaseConnectionFailed.Id, error.ErrorId);
        Assert.Contains("ORA-12541", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task The_password_reaches_the_driver_and_nowhere_else()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-secret-");
        var set = await scenario.HotAsync(scenario.Request() with { Credential = new System.Net.NetworkCredential("backup", Password) });

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.All(scenario.Database.ConnectionStringsSeen, c => Assert.Contains($"Password={Password}", c));
        Assert.All(Directory.EnumerateFiles(set.Path, "*", SearchOption.AllDirectories), f => Assert.DoesNotContain(Password, File.ReadAllText(f)));
        Assert.DoesNotContain(Password, string.Join('\n', scenario.Database.Statements));
    }

    private const string Password = "S3cret-Pw-4711";

    [Fact]
    public async Task A_repository_inside_the_datafile_folder_is_refused_before_anything_is_begun()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-inside-");
        scenario.Repository = Path.Combine(scenario.Database.DataFolder, "backups");

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));

        Assert.Equal(Errors.DestinationInsideSource.Id, error.ErrorId);
        Assert.DoesNotContain(scenario.Database.Statements, s => s.StartsWith("ALTER", StringComparison.Ordinal));
        Assert.False(Directory.Exists(scenario.Repository));
    }

    [Fact]
    public async Task The_tar_format_is_refused_for_Oracle_before_connecting()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-tar-");
        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request() with { Format = BackupFormat.Tar }));

        Assert.Equal(Errors.OracleTarFormatNotSupported.Id, error.ErrorId);
        Assert.Empty(scenario.Database.Statements);
    }

    [Fact]
    public void Without_the_driver_the_error_says_exactly_how_to_supply_it()
    {
        string? saved = Environment.GetEnvironmentVariable(OracleDriver.EnvironmentVariable);
        Environment.SetEnvironmentVariable(OracleDriver.EnvironmentVariable, null);
        try
        {
            var error = Assert.Throws<BackupException>(() => OracleDriver.Load("/nonexistent/odp"));
            Assert.Equal(Errors.OracleDriverNotFound.Id, error.ErrorId);
            Assert.Contains("-OracleDriverPath", error.Message);
            Assert.Contains(OracleDriver.EnvironmentVariable, error.Message);
            Assert.Contains("Oracle.ManagedDataAccess.Core", error.Message);
            Assert.Contains("/nonexistent/odp", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(OracleDriver.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public async Task A_driver_given_by_path_is_loaded_at_run_time_for_hot_and_cold_backups()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-driver-");
        string folder = Path.GetDirectoryName(SimulatedDriverAssembly.Path)!;

        var hot = await DatabaseBackup.StartHotAsync(scenario.Request() with { OracleDriverPath = folder }, null, CancellationToken.None);
        var cold = await DatabaseBackup.StartColdAsync(scenario.Request() with { OracleDriverPath = SimulatedDriverAssembly.Path }, null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, hot.Status);
        Assert.Equal(BackupSetStatus.Complete, cold.Status);
        Assert.Contains("SHUTDOWN IMMEDIATE", scenario.Database.Statements);
        Assert.Contains("STARTUP", scenario.Database.Statements);
        Assert.Equal("Oracle.ManagedDataAccess.Client.OracleClientFactory", OracleDriver.Load(folder).GetType().FullName);
    }

    [Fact]
    public void An_assembly_that_is_not_ODP_NET_is_refused_as_the_driver()
    {
        string notOdp = typeof(OracleDriver).Assembly.Location;
        var error = Assert.Throws<BackupException>(() => OracleDriver.Load(notOdp));

        Assert.Equal(Errors.OracleDriverInvalid.Id, error.ErrorId);
        Assert.Contains(notOdp, error.Message);
    }
}
