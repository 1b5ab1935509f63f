using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>
/// The Oracle export's claims against a real database (BACKUPCMDLETS_ORACLE, run on the database host so
/// DATA_PUMP_DIR is readable here), judged from the database's own views. Skipped, saying why, without one.
/// </summary>
public sealed class RealOracleExportTests
{
    [RealOracleFact]
    public async Task A_Data_Pump_export_becomes_a_set_that_passes_Test_BackupSet_and_leaves_no_job_and_no_dump_file()
    {
        using var temp = new TempDirectory("bkc-realora-export-");
        var request = new ExportDatabaseRequest(DatabaseEngine.Oracle, RealOracle.ConnectionString, temp.Combine("repository")) { ThrottleLimit = 2 };

        var set = await BackupEngine.ExportDatabaseAsync(request, null, CancellationToken.None);

        Assert.Equal((BackupKind.Logical, BackupSetStatus.Complete), (set.Kind, set.Status));
        var manifest = ManifestStore.Read(set.Path);
        Assert.Contains(manifest.Files, f => f.Path.EndsWith(".dmp", StringComparison.Ordinal) && f.Size > 0);
        Assert.Contains("successfully completed", File.ReadAllText(Path.Combine(set.Path, manifest.Export!.Log!)), StringComparison.Ordinal);
        Assert.True(long.Parse(manifest.StartPosition!, CultureInfo.InvariantCulture) > 0);
        Assert.True((await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path), null, CancellationToken.None)).Passed);
        Assert.Empty(RealOracle.Query("SELECT job_name FROM user_datapump_jobs WHERE job_name LIKE 'BKC_EXPORT_%'", r => r.GetString(0)));
        string folder = RealOracle.Query("SELECT directory_path FROM all_directories WHERE directory_name = 'DATA_PUMP_DIR'", r => r.GetString(0)).Single();
        Assert.Empty(Directory.EnumerateFiles(folder, $"bkc_{set.SetId}*"));
    }
}
