using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>Oracle hot backups against the simulator (always run): the protocol, the set, and fractured blocks under a writer.</summary>
public sealed class OracleHotBackupTests
{
    [Fact]
    public async Task A_hot_backup_under_a_writer_ends_every_backup_mode_then_switches_logs_then_backs_up_the_controlfile_and_keeps_the_covering_logs()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-hot-");
        var db = scenario.Database;
        db.StartWriter();
        var set = await scenario.HotAsync(scenario.Request());
        db.StopWriter();

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(DatabaseEngine.Oracle, set.Engine);
        Assert.Empty(db.ActiveFiles);

        var statements = db.Statements;
        OracleStatementLog.AssertEveryBeginHasItsEnd(statements);
        Assert.Equal(["TABLESPACE \"SYSTEM\"", "TABLESPACE \"SYSAUX\"", "TABLESPACE \"USERS\""], OracleStatementLog.Begins(statements));
        int lastEnd = OracleStatementLog.LastIndexOf(statements, "END BACKUP");
        int archive = OracleStatementLog.IndexOf(statements, "ALTER SYSTEM ARCHIVE LOG CURRENT");
        int controlfile = OracleStatementLog.IndexOf(statements, "ALTER DATABASE BACKUP CONTROLFILE TO '");
        int trace = OracleStatementLog.IndexOf(statements, "ALTER DATABASE BACKUP CONTROLFILE TO TRACE AS '");
        int logs = OracleStatementLog.IndexOf(statements, "SELECT thread#, sequence#");
        Assert.True(lastEnd < archive && archive < controlfile && archive < trace && controlfile < logs && trace < logs, string.Join('\n', statements));

        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(SimulatedDbid, manifest.Database.Identity);
        Assert.Equal(8192, manifest.Database.BlockSize);
        var datafiles = manifest.Files.Where(f => f.Path.StartsWith("datafiles/", StringComparison.Ordinal)).Select(f => f.Path).ToList();
        Assert.Equal(4, datafiles.Count);
        Assert.Equal(datafiles.Order(), manifest.FileStartPositions.Keys.Order());
        long start = long.Parse(manifest.StartPosition!, CultureInfo.InvariantCulture);
        long end = long.Parse(manifest.StopPosition!, CultureInfo.InvariantCulture);
        Assert.Equal(start, manifest.FileStartPositions.Values.Min(v => long.Parse(v, CultureInfo.InvariantCulture)));
        Assert.True(start > 0xFFFF_FF00L && end > start);

        // The archived logs in the set cover the backup from its start SCN to its end SCN, with no gap.
        var archived = db.ArchivedLogs.ToDictionary(a => $"1_{a.Sequence}");
        var kept = manifest.RedoSequences.Select(s => archived[s]).ToList();
        Assert.NotEmpty(kept);
        Assert.True(kept[0].FirstScn <= start, $"the first log starts at {kept[0].FirstScn}, after the backup start {start}");
        Assert.True(kept[^1].NextScn > end, $"the last log ends at {kept[^1].NextScn}, before the backup end {end}");
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.Second.Sequence == p.First.Sequence + 1 && p.Second.FirstScn == p.First.NextScn));
        Assert.Equal([.. kept.Select(k => $"archivelog/1_{k.Sequence}_{Path.GetFileName(k.Path)}"), "controlfile/control.bkp", "controlfile/control.trc"], manifest.RedoFiles);
        Assert.Equal(["SYSTEM", "SYSAUX", "USERS"], manifest.Scopes.Select(s => s.Name));
        Assert.All(manifest.Scopes, s => Assert.True(long.Parse(s.StartPosition, CultureInfo.InvariantCulture) < long.Parse(s.StopPosition, CultureInfo.InvariantCulture)));
        Assert.All(manifest.RedoFiles, f => Assert.True(File.Exists(Path.Combine(set.Path, f))));

        Assert.True(new FileInfo(Path.Combine(set.Path, "controlfile", "control.bkp")).Length > 0);
        Assert.Contains("CREATE CONTROLFILE", File.ReadAllText(Path.Combine(set.Path, "controlfile", "control.trc")));
        Assert.Equal([set.Path], scenario.SetFolders());
        var test = await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None);
        Assert.True(test.Passed, string.Join('\n', test.Problems));

        // The writer changed blocks while they were copied: the copy holds fractured blocks, found and counted as repairable.
        Assert.True(set.TornBlocks > 0, $"no fractured block was caught ({db.BlocksWritten} blocks written during the backup)");
        Assert.Equal(0, set.CorruptBlocks);
        long fractured = 0;
        foreach (string datafile in datafiles)
        {
            // Judged by the start SCN the set's manifest records for the file.
            var result = await DatafileBlockTester.TestAsync(new TestDatafileBlockRequest(Path.Combine(set.Path, datafile)), null, CancellationToken.None);
            Assert.True(result.IsValid, string.Join('\n', result.Findings));
            Assert.Equal(long.Parse(manifest.FileStartPositions[datafile], CultureInfo.InvariantCulture), result.StartScn);
            Assert.Equal(8192, result.BlockSize);
            fractured += result.Fractured;
        }

        // A block judged corrupt at first and sound when read again counts as torn but is stored re-read, so the copy may hold fewer.
        Assert.InRange(fractured, 1, set.TornBlocks);

        // Recovery in miniature: the block images in the set's archived logs repair every fractured block of the copy.
        string repaired = scenario.Temp.CreateDirectory("repaired");
        var copies = datafiles.ToDictionary(d => int.Parse(Path.GetFileName(d)[..4], CultureInfo.InvariantCulture), d => Path.Combine(repaired, Path.GetFileName(d)));
        foreach (string datafile in datafiles)
        {
            File.Copy(Path.Combine(set.Path, datafile), Path.Combine(repaired, Path.GetFileName(datafile)));
        }

        foreach (string log in manifest.RedoFiles.Where(f => f.StartsWith("archivelog/", StringComparison.Ordinal)))
        {
            foreach (var record in SimulatedRedoRecord.ReadLog(Path.Combine(set.Path, log)))
            {
                using var handle = File.OpenHandle(copies[record.FileNumber], FileMode.Open, FileAccess.Write);
                RandomAccess.Write(handle, record.Image, record.Block * record.Image.Length);
            }
        }

        foreach (string copy in copies.Values)
        {
            var result = await DatafileBlockTester.TestAsync(new TestDatafileBlockRequest(copy), null, CancellationToken.None);
            Assert.True(result.IsValid && result.Fractured == 0, $"{copy}: {string.Join('\n', result.Findings)}");
        }
    }

    [Fact]
    public async Task Whole_database_mode_sends_one_database_begin_and_end()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-whole-");
        var set = await scenario.HotAsync(scenario.Request() with { WholeDatabase = true });

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        var statements = scenario.Database.Statements;
        OracleStatementLog.AssertEveryBeginHasItsEnd(statements);
        Assert.Equal(["DATABASE"], OracleStatementLog.Begins(statements));
        Assert.DoesNotContain(statements, s => s.StartsWith("ALTER TABLESPACE", StringComparison.Ordinal));
        Assert.Equal(4, ManifestStore.Read(set.Path).FileStartPositions.Count);
    }

    [Fact]
    public async Task Chosen_tablespaces_are_folded_and_quoted_and_only_their_files_are_copied()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-choose-");
        var set = await scenario.HotAsync(scenario.Request() with { Tablespace = ["users"] });

        Assert.Equal(["TABLESPACE \"USERS\""], OracleStatementLog.Begins(scenario.Database.Statements));
        Assert.Equal(["datafiles/0003_users03.dbf", "datafiles/0004_users04.dbf"], ManifestStore.Read(set.Path).FileStartPositions.Keys.Order());
    }

    [Theory]
    [InlineData("users\" BEGIN BACKUP; DROP TABLESPACE \"SYSTEM", nameof(Errors.OracleInvalidIdentifier))]
    [InlineData("USERS END BACKUP", nameof(Errors.OracleInvalidIdentifier))]
    [InlineData("1USERS", nameof(Errors.OracleInvalidIdentifier))]
    [InlineData("NOSUCH", nameof(Errors.OracleTablespaceNotFound))]
    public async Task A_bad_or_unknown_tablespace_name_is_refused_before_any_backup_statement(string name, string errorId)
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-badname-");
        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request() with { Tablespace = [name] }));

        Assert.Equal(errorId, error.ErrorId);
        Assert.DoesNotContain(scenario.Database.Statements, s => s.StartsWith("ALTER", StringComparison.Ordinal));
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task Whole_database_and_chosen_tablespaces_together_are_refused()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-both-");
        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request() with { WholeDatabase = true, Tablespace = ["USERS"] }));

        Assert.Equal(Errors.OracleWholeDatabaseWithTablespace.Id, error.ErrorId);
        Assert.DoesNotContain(scenario.Database.Statements, s => s.StartsWith("ALTER", StringComparison.Ordinal));
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task A_database_in_NOARCHIVELOG_mode_is_refused_with_its_own_error_and_nothing_is_begun_or_written()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-noarch-");
        scenario.Database.ArchiveLogMode = false;

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));

        Assert.Equal(Errors.OracleNoArchiveLogMode.Id, error.ErrorId);
        Assert.Contains("NOARCHIVELOG", error.Message);
        Assert.DoesNotContain(scenario.Database.Statements, s => s.StartsWith("ALTER", StringComparison.Ordinal));
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task Files_left_in_backup_mode_are_named_and_refused_and_Force_ends_that_stale_mode_first()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-stale-");
        var db = scenario.Database;
        db.LeaveInBackupMode("USERS");

        var error = await Assert.ThrowsAsync<BackupException>(() => scenario.HotAsync(scenario.Request()));
        Assert.Equal(Errors.OracleBackupModeActive.Id, error.ErrorId);
        Assert.Contains("users03.dbf", error.Message);
        Assert.Contains("users04.dbf", error.Message);
        Assert.Contains("tablespace USERS", error.Message);
        Assert.DoesNotContain(db.Statements, s => s.StartsWith("ALTER", StringComparison.Ordinal));
        Assert.Equal([3, 4], db.ActiveFiles);
        Assert.Empty(scenario.SetFolders());

        var set = await scenario.HotAsync(scenario.Request() with { Force = true });
        Assert.Equal(BackupSetStatus.Complete, set.Status);
        var statements = db.Statements;
        int staleEnd = OracleStatementLog.IndexOf(statements, "ALTER TABLESPACE \"USERS\" END BACKUP");
        Assert.True(staleEnd >= 0 && staleEnd < OracleStatementLog.IndexOf(statements, "ALTER TABLESPACE \"SYSTEM\" BEGIN BACKUP"));
        Assert.Empty(db.ActiveFiles);
    }

    [Fact]
    public async Task A_block_corrupted_on_the_source_before_the_backup_is_corruption_with_file_and_block_and_the_set_is_failed()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-corrupt-");
        var db = scenario.Database;
        db.CorruptBlock(3, 10);
        db.StartWriter();
        var set = await scenario.HotAsync(scenario.Request());
        db.StopWriter();

        Assert.Equal(BackupSetStatus.Failed, set.Status);
        Assert.Equal(1, set.CorruptBlocks);
        var problem = Assert.Single(set.Problems);
        Assert.Equal(Errors.CorruptBlock.Id, problem.ErrorId);
        Assert.Equal("datafiles/0003_users03.dbf", problem.Path);
        Assert.Contains("block 10 ", problem.Message);
        Assert.Contains("predates the backup start", problem.Message);
        Assert.Empty(db.ActiveFiles);
        OracleStatementLog.AssertEveryBeginHasItsEnd(db.Statements);
    }

    private static string SimulatedDbid => SimulatedOracleDatabase.Dbid.ToString(CultureInfo.InvariantCulture);
}
