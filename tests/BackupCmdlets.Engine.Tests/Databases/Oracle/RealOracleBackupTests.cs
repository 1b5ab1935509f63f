using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>
/// The simulator tests' claims against a real Oracle database (BACKUPCMDLETS_ORACLE), judged from the
/// database's own views instead of the simulator's statement record. Skipped, saying why, without one.
/// The switches only a simulator has (NOARCHIVELOG, a dropped session, a missing datafile) are not repeated.
/// </summary>
public sealed class RealOracleBackupTests
{
    [RealOracleFact]
    public async Task A_hot_backup_leaves_nothing_in_backup_mode_keeps_the_covering_logs_and_its_copies_have_no_corrupt_block()
    {
        using var temp = new TempDirectory("bkc-realora-hot-");
        var set = await DatabaseBackup.StartHotAsync(RealOracle.Request(temp.Combine("repository")), null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Empty(RealOracle.ActiveFiles());
        var manifest = ManifestStore.Read(set.Path);
        long start = long.Parse(manifest.StartPosition!, CultureInfo.InvariantCulture);
        long end = long.Parse(manifest.StopPosition!, CultureInfo.InvariantCulture);
        var logs = RealOracle.ArchivedLogs(start, end);
        Assert.True(logs[0].First <= start && logs[^1].Next > end);
        Assert.Equal(logs.Select(l => $"1_{l.Sequence}"), manifest.RedoSequences.Where(s => s.StartsWith("1_", StringComparison.Ordinal)));
        Assert.True(File.Exists(Path.Combine(set.Path, "controlfile", "control.bkp")));
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        foreach (var (datafile, scn) in manifest.FileStartPositions)
        {
            var result = await DatafileBlockTester.TestAsync(new TestDatafileBlockRequest(Path.Combine(set.Path, datafile)) { StartScn = long.Parse(scn, CultureInfo.InvariantCulture) }, null, CancellationToken.None);
            Assert.True(result.IsValid, string.Join('\n', result.Findings));
        }
    }

    [RealOracleFact]
    public async Task A_cancel_during_the_copy_leaves_nothing_in_backup_mode()
    {
        using var temp = new TempDirectory("bkc-realora-cancel-");
        using var cancel = new CancellationTokenSource();
        var progress = new OnceProgress(p => p.Status == "Copying", cancel.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DatabaseBackup.StartHotAsync(RealOracle.Request(temp.Combine("repository")), progress, cancel.Token));

        Assert.Empty(RealOracle.ActiveFiles());
    }

    [RealOracleFact]
    public async Task A_full_destination_fails_the_copy_and_leaves_nothing_in_backup_mode()
    {
        using var temp = new TempDirectory("bkc-realora-full-");
        using var volume = new TmpfsVolume(temp.Combine("small"), 1024);

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(RealOracle.Request(volume.Path), null, CancellationToken.None));

        Assert.Equal(Errors.BackupCopyFailed.Id, error.ErrorId);
        Assert.Empty(RealOracle.ActiveFiles());
    }

    [RealOracleFact]
    public async Task A_tablespace_left_in_backup_mode_is_refused_and_Force_ends_it()
    {
        using var temp = new TempDirectory("bkc-realora-stale-");
        string tablespace = RealOracle.UserTablespace();
        RealOracle.Execute($"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} BEGIN BACKUP");
        try
        {
            var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartHotAsync(RealOracle.Request(temp.Combine("repository")), null, CancellationToken.None));
            Assert.Equal(Errors.OracleBackupModeActive.Id, error.ErrorId);
            Assert.Contains(tablespace, error.Message);

            var set = await DatabaseBackup.StartHotAsync(RealOracle.Request(temp.Combine("repository")) with { Force = true, Tablespace = [tablespace] }, null, CancellationToken.None);
            Assert.Equal(BackupSetStatus.Complete, set.Status);
            Assert.Empty(RealOracle.ActiveFiles());
        }
        finally
        {
            if (RealOracle.ActiveFiles().Count > 0)
            {
                RealOracle.Execute($"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} END BACKUP");
            }
        }
    }

    [RealOracleFact(shutsDown: true)]
    public async Task A_cold_backup_copies_every_file_without_a_bad_block_and_the_database_is_open_again()
    {
        using var temp = new TempDirectory("bkc-realora-cold-");
        var set = await DatabaseBackup.StartColdAsync(RealOracle.Request(temp.Combine("repository")), null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(0, set.CorruptBlocks);
        Assert.True(RealOracle.IsOpen());
    }

    [RealOracleFact(shutsDown: true)]
    public async Task When_the_cold_copy_fails_the_database_is_open_again()
    {
        using var temp = new TempDirectory("bkc-realora-coldfull-");
        using var volume = new TmpfsVolume(temp.Combine("small"), 1024);

        var error = await Assert.ThrowsAsync<BackupException>(() => DatabaseBackup.StartColdAsync(RealOracle.Request(volume.Path), null, CancellationToken.None));

        Assert.Equal(Errors.BackupCopyFailed.Id, error.ErrorId);
        Assert.True(RealOracle.IsOpen());
    }
}
