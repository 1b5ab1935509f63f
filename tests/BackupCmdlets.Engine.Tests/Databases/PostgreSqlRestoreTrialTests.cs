using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// Test-BackupSet -Restore against a real server: the set is restored into a scratch folder, a server of
/// its own comes up on it and pg_amcheck checks every database; damage that the manifest's checksums
/// cannot see (the manifest agrees with the damaged file) fails the trial, as does a server that cannot
/// start; and nothing is left behind: no folder, no process.
/// </summary>
public sealed class PostgreSqlRestoreTrialTests(PostgreSqlRestoreTrialTests.Scenario scenario) : IClassFixture<PostgreSqlRestoreTrialTests.Scenario>
{
    [Fact]
    public async Task A_hot_set_comes_up_on_a_private_server_and_pg_amcheck_passes_every_database()
    {
        string scratch = scenario.Folder("scratch-good");

        var result = await Trial(scenario.Set.Path, scratch);

        Assert.True(result.Passed, string.Join("; ", result.Problems));
        var trial = Assert.IsType<RestoreTestResult>(result.RestoreTest);
        Assert.True(trial.Passed, trial.Detail);
        Assert.Equal("pg_amcheck", trial.Check);
        Assert.Equal(["app", "postgres", "template1"], trial.Databases);
        Assert.NotNull(trial.ConsistentAt);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Empty(ServersUnder(scratch));
        Assert.Equal(5000, scenario.Source.ScalarIn<long>("app", "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task A_damaged_page_the_manifest_agrees_with_passes_the_checksums_but_fails_the_trial()
    {
        string copy = scenario.CopyOfSet("damaged-page");
        string relation = "data/" + scenario.Source.ScalarIn<string>("app", "SELECT pg_relation_filepath('items')");
        BackupSetDamage.DamageAndReseal(copy, relation, offset: 8192 + 100);
        string scratch = scenario.Folder("scratch-damaged");

        var hashedOnly = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(copy), null, CancellationToken.None);
        var result = await Trial(copy, scratch);

        Assert.True(hashedOnly.Passed, "the damage was meant to be invisible to the checksums");
        Assert.False(result.Passed);
        Assert.False(result.RestoreTest!.Passed);
        Assert.Contains(result.Problems, p => p.ErrorId == Errors.RestoreTestFailed.Id && p.Message.Contains("items", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Empty(ServersUnder(scratch));
    }

    [Fact]
    public async Task A_set_whose_server_cannot_start_fails_the_trial_with_the_end_of_its_log()
    {
        string copy = scenario.CopyOfSet("damaged-control");
        BackupSetDamage.DamageAndReseal(copy, "data/global/pg_control", offset: 16);
        string scratch = scenario.Folder("scratch-control");

        var result = await Trial(copy, scratch);

        Assert.False(result.Passed);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Errors.RestoreTestFailed.Id, problem.ErrorId);
        Assert.Contains("control file", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Empty(ServersUnder(scratch));
    }

    [Theory]
    [InlineData("Starting a server", 1)]
    [InlineData("Starting a server", 2)]
    [InlineData("Starting a server", 3)]
    [InlineData("Running pg_amcheck", 1)]
    [InlineData("Running pg_amcheck", 2)]
    public async Task A_cancelled_trial_stops_its_server_and_removes_its_folder(string cancelAt, int run)
    {
        string scratch = scenario.Folder($"scratch-cancel-{cancelAt.Split(' ')[1]}-{run}");
        Directory.CreateDirectory(scratch);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Status?.StartsWith(cancelAt, StringComparison.Ordinal) == true)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Set.Path) { Restore = true, ScratchPath = scratch }, progress, cancel.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        Assert.Empty(ServersUnder(scratch));
    }

    [Fact]
    public async Task Without_Restore_no_trial_is_made()
    {
        var result = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(scenario.Set.Path), null, CancellationToken.None);

        Assert.True(result.Passed);
        Assert.Null(result.RestoreTest);
    }

    private static Task<TestBackupSetResult> Trial(string set, string scratch)
    {
        Directory.CreateDirectory(scratch);
        return BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { Restore = true, ScratchPath = scratch }, null, CancellationToken.None);
    }

    /// <summary>Processes whose command line names a path under the folder (a trial server left running).</summary>
    private static IEnumerable<int> ServersUnder(string folder) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: Path.GetFileName(d), CommandLine: ReadCommandLine(d)))
            .Where(p => p.CommandLine.Contains(folder, StringComparison.Ordinal) && int.TryParse(p.Pid, out _))
            .Select(p => int.Parse(p.Pid));

    private static string ReadCommandLine(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public sealed class Scenario : IDisposable
    {
        private readonly TempDirectory _temp = new("bkc-pg-trial-");

        public Scenario()
        {
            Directory.CreateDirectory(_temp.Path);
            PostgresCluster.GiveToServerUser(_temp.Path);
            Source = PostgresCluster.Create(_temp.Path);
            string tablespace = Path.Combine(_temp.Path, "pg", "ts1");
            Directory.CreateDirectory(tablespace);
            PostgresCluster.GiveToServerUser(tablespace);
            Source.Execute($"CREATE TABLESPACE ts1 LOCATION '{tablespace}'");
            Source.Execute("CREATE DATABASE app");
            Source.ExecuteIn("app", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
            Source.ExecuteIn("app", "CREATE TABLE in_ts (id int PRIMARY KEY) TABLESPACE ts1; INSERT INTO in_ts SELECT generate_series(1, 500); CHECKPOINT");
            string repository = _temp.CreateDirectory("repository");
            Set = DatabaseBackup.StartHotAsync(new StartBackupRequest(DatabaseEngine.PostgreSql, Source.ConnectionString, repository), null, CancellationToken.None).GetAwaiter().GetResult();
        }

        public PostgresCluster Source { get; }

        public BackupSet Set { get; }

        public string Folder(string name) => Path.Combine(_temp.Path, name);

        /// <summary>A copy of the set (cp -a keeps owners and modes), to damage.</summary>
        public string CopyOfSet(string name)
        {
            string copy = Folder(name);
            ExternalTool.Run("cp", "-a", Set.Path, copy).EnsureSuccess("cp -a");
            return copy;
        }

        public void Dispose()
        {
            Source.Dispose();
            _temp.Dispose();
        }
    }
}
