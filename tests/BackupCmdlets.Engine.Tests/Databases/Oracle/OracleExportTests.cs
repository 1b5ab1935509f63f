using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>
/// Issue 16, Oracle exports through Data Pump against the simulator (always run; no Oracle server runs
/// here): what the job is asked for, the set it becomes, and that no dump file stays in the directory.
/// </summary>
public sealed class OracleExportTests
{
    [Fact]
    public async Task A_full_export_asks_for_the_SCN_read_first_and_becomes_a_Logical_set_holding_what_the_job_wrote()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-full-");
        var db = scenario.Database;

        var set = await ExportAsync(scenario, Request(scenario));

        var job = Assert.Single(db.DataPumpJobs);
        Assert.Equal(("FULL", null, 1, "COMPLETED"), (job.Mode, job.SchemaExpression, job.Degree, job.State));
        var calls = db.Calls;
        int pump = calls.ToList().FindIndex(c => c.Statement.Contains("DBMS_DATAPUMP.OPEN", StringComparison.Ordinal));
        int scnRead = calls.Take(pump).ToList().FindLastIndex(c => c.Statement == "SELECT current_scn FROM v$database");
        Assert.True(scnRead >= 0, "the SCN was not read before the job");
        long scn = Convert.ToInt64(calls[scnRead].FirstValue, CultureInfo.InvariantCulture);
        Assert.Equal(scn, Convert.ToInt64(calls[pump].Binds["flashback_scn"], CultureInfo.InvariantCulture));
        Assert.DoesNotContain("METADATA_FILTER", calls[pump].Statement, StringComparison.Ordinal);
        Assert.Equal("FULL", calls[pump].Binds["job_mode"]);
        Assert.True(job.ScnAtStart > scn, "the database did not move on: the test could not tell the SCN read from the SCN at the job's start");

        Assert.Equal((BackupKind.Logical, DatabaseEngine.Oracle, BackupSetStatus.Complete), (set.Kind, set.Engine, set.Status));
        Assert.Matches("-oracle-logical-[0-9a-f]{6}$", set.SetId);
        Assert.Equal(scn.ToString(CultureInfo.InvariantCulture), set.StartPosition);
        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(scn.ToString(CultureInfo.InvariantCulture), manifest.StartPosition);
        Assert.Equal(SimulatedOracleDatabase.Dbid.ToString(CultureInfo.InvariantCulture), manifest.Database.Identity);
        var export = manifest.Export!;
        Assert.Equal((ManifestExport.OracleDataPump, "datapump"), (export.Format, export.Path));
        Assert.Equal($"datapump/bkc_{set.SetId}.log", export.Log);
        Assert.Contains("successfully completed", File.ReadAllText(Path.Combine(set.Path, export.Log!)));
        AssertSetHoldsTheJobsFiles(set, job);
        Assert.Empty(db.FilesInDirectory());
        Assert.True((await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path), null, CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_schema_export_filters_the_schemas_asked_for_runs_in_parallel_and_leaves_no_dump_file_in_the_directory()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-schema-");
        var db = scenario.Database;

        var set = await ExportAsync(scenario, Request(scenario) with { Schema = ["hr", "Sales_2", "hr"], ThrottleLimit = 3 });

        var job = Assert.Single(db.DataPumpJobs);
        Assert.Equal(("SCHEMA", "IN ('HR', 'SALES_2')", 3), (job.Mode, job.SchemaExpression, job.Degree));
        var pump = db.Calls.Single(c => c.Statement.Contains("DBMS_DATAPUMP.OPEN", StringComparison.Ordinal));
        Assert.Contains("DBMS_DATAPUMP.METADATA_FILTER(handle => h, name => 'SCHEMA_EXPR', value => :schema_expr)", pump.Statement, StringComparison.Ordinal);
        Assert.Contains("DBMS_DATAPUMP.SET_PARALLEL(handle => h, degree => :degree)", pump.Statement, StringComparison.Ordinal);
        Assert.Equal(3L, Convert.ToInt64(pump.Binds["degree"], CultureInfo.InvariantCulture));
        Assert.Equal(["HR", "SALES_2"], ManifestStore.Read(set.Path).Export!.Schemas);
        Assert.Equal(3, job.DumpFiles.Count);
        AssertSetHoldsTheJobsFiles(set, job);
        Assert.Equal(4, db.Calls.Count(c => c.Statement.StartsWith("BEGIN UTL_FILE.FREMOVE", StringComparison.Ordinal) && c.Error is null));
        Assert.Empty(db.FilesInDirectory());
        Assert.True((await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path), null, CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_job_that_ends_STOPPED_is_ExportFailed_with_its_state_and_log_and_leaves_neither_a_set_nor_a_dump_file()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-stopped-");
        var db = scenario.Database;
        db.DataPumpJobEnds = "STOPPED";

        var error = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario)));

        Assert.Equal(Errors.ExportFailed, error.Error);
        Assert.Contains("ended STOPPED", error.Message, StringComparison.Ordinal);
        Assert.Contains("stopped due to fatal error", error.Message, StringComparison.Ordinal);
        Assert.Empty(scenario.SetFolders());
        Assert.Empty(db.FilesInDirectory());
    }

    [Fact]
    public async Task A_directory_the_database_host_alone_sees_is_ExportDirectoryNotReachable_and_the_jobs_files_are_removed_through_UTL_FILE()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-remote-");
        var db = scenario.Database;
        db.DirectoryOnAnotherHost = true;

        var error = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario) with { ThrottleLimit = 2 }));

        Assert.Equal(Errors.ExportDirectoryNotReachable, error.Error);
        var job = Assert.Single(db.DataPumpJobs);
        Assert.Equal("COMPLETED", job.State);
        var removed = db.Calls.Where(c => c.Statement.StartsWith("BEGIN UTL_FILE.FREMOVE", StringComparison.Ordinal) && c.Error is null).Select(c => (string)c.Binds["file_name"]!);
        Assert.Equal(job.DumpFiles.Keys.Append(job.LogFile).Order(StringComparer.Ordinal), removed.Order(StringComparer.Ordinal));
        Assert.Empty(db.FilesInDirectory());
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task A_directory_path_missing_here_or_a_missing_directory_object_fails_before_any_job_runs()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-nodir-");
        var db = scenario.Database;
        Directory.Delete(db.DataPumpFolder);

        var unreachable = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario)));
        Assert.Equal(Errors.ExportDirectoryNotReachable, unreachable.Error);
        Assert.Contains(db.DataPumpFolder, unreachable.Message, StringComparison.Ordinal);

        db.DropDirectory("DATA_PUMP_DIR");
        var missing = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario)));
        Assert.Equal(Errors.ExportDirectoryNotFound, missing.Error);

        var invalid = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario) with { OracleDirectory = "x'; DROP" }));
        Assert.Equal(Errors.OracleInvalidIdentifier, invalid.Error);
        var schema = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario) with { Schema = ["HR') OR ('1'='1"] }));
        Assert.Equal(Errors.OracleInvalidIdentifier, schema.Error);

        Assert.Empty(db.DataPumpJobs);
        Assert.DoesNotContain(db.Statements, s => s.Contains("DBMS_DATAPUMP", StringComparison.Ordinal));
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task A_cancel_while_the_job_runs_stops_it_with_STOP_JOB_and_leaves_neither_a_set_nor_a_dump_file()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-cancel-");
        var db = scenario.Database;
        db.DataPumpJobMilliseconds = 30_000;
        using var cancel = new CancellationTokenSource();
        db.DataPumpJobRunning += _ => cancel.Cancel();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ExportAsync(scenario, Request(scenario), cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the export waited for the job instead of stopping it");
        var job = Assert.Single(db.DataPumpJobs);
        Assert.True(job.StopRequested);
        Assert.Equal("STOPPED", job.State);
        var stop = db.Calls.Single(c => c.Statement.Contains("DBMS_DATAPUMP.STOP_JOB(handle => h, immediate => 1, keep_master => 0); END;", StringComparison.Ordinal) && c.Statement.Contains("ATTACH", StringComparison.Ordinal));
        Assert.Equal(job.Name, stop.Binds["job_name"]);
        Assert.Null(stop.Error);
        Assert.Empty(db.FilesInDirectory());
        Assert.Empty(scenario.SetFolders());
    }

    [Fact]
    public async Task Import_Database_of_an_Oracle_export_says_it_is_not_available_and_Table_or_SqlDump_are_refused()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-import-");
        var set = await ExportAsync(scenario, Request(scenario));

        var import = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(set.Path, scenario.Database.ConnectionString), null, CancellationToken.None));
        Assert.Equal(Errors.DatabaseEngineNotAvailable, import.Error);
        Assert.Contains("impdp", import.Message, StringComparison.Ordinal);

        var table = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario) with { Table = ["HR.EMPLOYEES"] }));
        Assert.Equal(Errors.ParameterOutOfRange, table.Error);
        var dump = await Assert.ThrowsAsync<BackupException>(() => ExportAsync(scenario, Request(scenario) with { Format = ExportFormat.SqlDump }));
        Assert.Equal(Errors.ParameterOutOfRange, dump.Error);
        Assert.Single(scenario.Database.DataPumpJobs);
    }

    [Fact]
    public async Task Export_Database_loads_the_driver_from_OracleDriverPath_as_the_hot_backup_does()
    {
        using var scenario = new OracleSimulatorScenario("bkc-ora-export-driver-");

        var set = await BackupEngine.ExportDatabaseAsync(Request(scenario) with { OracleDriverPath = SimulatedDriverAssembly.Path }, null, CancellationToken.None);

        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Single(scenario.Database.DataPumpJobs);
    }

    private static ExportDatabaseRequest Request(OracleSimulatorScenario scenario) =>
        new(DatabaseEngine.Oracle, scenario.Database.ConnectionString, scenario.Repository);

    /// <summary>Runs the export as Export-Database does, over the simulator's provider factory.</summary>
    private static async Task<BackupSet> ExportAsync(OracleSimulatorScenario scenario, ExportDatabaseRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        return await DatabaseExport.ExportAsync(request, new OracleExport(request, SimulatedOracleFactory.Instance), null, cancellationToken);
    }

    /// <summary>The set's files are the job's dump files and log, byte for byte, and nothing else but the manifest.</summary>
    private static void AssertSetHoldsTheJobsFiles(BackupSet set, SimulatedDataPumpJob job)
    {
        var manifest = ManifestStore.Read(set.Path);
        Assert.Equal(job.DumpFiles.Keys.Append(job.LogFile).Select(f => "datapump/" + f).Order(StringComparer.Ordinal), manifest.Files.Select(f => f.Path));
        foreach (var (name, content) in job.DumpFiles)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(set.Path, "datapump", name)));
        }

        var present = Directory.EnumerateFiles(set.Path, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true }).Select(f => Path.GetRelativePath(set.Path, f));
        Assert.Equal(manifest.Files.Select(f => f.Path).Append(BackupSetManifest.FileName).Order(StringComparer.Ordinal), present.Order(StringComparer.Ordinal));
    }
}
