using System.Globalization;
using System.Net;
using System.Text;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>Issue 16, logical exports of PostgreSQL: pg_dump under a write load, pg_restore into a fresh database, passwords kept off command lines.</summary>
public sealed class PostgreSqlExportTests
{
    private static readonly string[] Tables = ["seed", "pair_a", "pair_b", "pair_total"];

    [Fact]
    public async Task An_export_under_a_write_load_imports_every_row_committed_before_it_from_one_snapshot()
    {
        using var temp = new TempDirectory("bkc-pg-export-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE seed AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 200000) g; ALTER TABLE seed ADD PRIMARY KEY (id)");
        using var writer = new PairRowWriter(cluster.ConnectionString);
        writer.WaitFor(200);
        long committedBefore = writer.LastCommitted;

        var set = await BackupEngine.ExportDatabaseAsync(Request(cluster) with { ThrottleLimit = 4 }, null, CancellationToken.None);
        long committedAfter = writer.LastCommitted;
        writer.WaitFor(committedAfter + 50);
        writer.Stop();

        Assert.Equal(BackupKind.Logical, set.Kind);
        Assert.Equal(BackupSetStatus.Complete, set.Status);
        Assert.Equal(cluster.Scalar<string>("SELECT system_identifier::text FROM pg_control_system()") + "/postgres", set.DatabaseIdentity);
        Assert.True((await BackupSetVerifier.TestAsync(set.Path, null, null, CancellationToken.None)).Passed);
        var result = await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(set.Path, cluster.ConnectionStringTo("copy")) { ThrottleLimit = 4 }, null, CancellationToken.None);
        Assert.Equal(DatabaseEngine.PostgreSql, result.Engine);

        // One snapshot: the three tables one transaction writes agree, with no id missing.
        long n = cluster.ScalarIn<long>("copy", "SELECT n FROM pair_total");
        Assert.Equal(n, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM pair_a"));
        Assert.Equal(n, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM pair_b"));
        Assert.Equal(n, cluster.ScalarIn<long>("copy", "SELECT coalesce(max(id), 0) FROM pair_a"));
        Assert.InRange(n, committedBefore, committedAfter);
        Assert.True(n < writer.LastCommitted, "the writer went on after the export");

        // Every table holds exactly the source's rows as of that snapshot (rows are only ever inserted, and the total is n then).
        foreach (string table in Tables)
        {
            string filter = table is "pair_a" or "pair_b" ? $"WHERE id <= {n}" : "";
            string source = table == "pair_total" ? $"(SELECT one, {n}::bigint AS n FROM pair_total) t" : $"(SELECT * FROM {table} {filter}) t";
            Assert.Equal(Fingerprint(cluster, "postgres", source), Fingerprint(cluster, "copy", $"{table} t"));
        }
    }

    /// <summary>The check above can fail: the same tables taken by two exports, one after the other, under the same writer, disagree.</summary>
    [Fact]
    public async Task Tables_exported_in_two_runs_under_the_writer_disagree_so_the_one_snapshot_check_can_fail()
    {
        using var temp = new TempDirectory("bkc-pg-export-torn-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        using var writer = new PairRowWriter(cluster.ConnectionString);
        writer.WaitFor(200);

        var first = await BackupEngine.ExportDatabaseAsync(Request(cluster) with { Table = ["pair_a"] }, null, CancellationToken.None);
        writer.WaitFor(writer.LastCommitted + 20);
        var second = await BackupEngine.ExportDatabaseAsync(Request(cluster) with { Table = ["pair_b", "pair_total"] }, null, CancellationToken.None);
        writer.Stop();
        await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(first.Path, cluster.ConnectionStringTo("copy")), null, CancellationToken.None);
        await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(second.Path, cluster.ConnectionStringTo("copy")) { Force = true }, null, CancellationToken.None);

        long n = cluster.ScalarIn<long>("copy", "SELECT n FROM pair_total");
        Assert.Equal(n, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM pair_b"));
        Assert.True(cluster.ScalarIn<long>("copy", "SELECT count(*) FROM pair_a") < n, "a copy from two snapshots must not pass for one");
    }

    [Fact]
    public async Task The_password_reaches_pg_dump_and_pg_restore_through_no_command_line_and_no_environment()
    {
        using var temp = new TempDirectory("bkc-pg-export-pw-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 8) AS payload FROM generate_series(1, 300000) g");
        string password = "Pw:" + Guid.NewGuid().ToString("N") + "\\x";
        cluster.RequirePassword(password);
        var credential = new NetworkCredential("postgres", password);

        var seen = new ProcessWatch("pg_dump");
        var set = await seen.WhileRunning(() => BackupEngine.ExportDatabaseAsync(
            new ExportDatabaseRequest(DatabaseEngine.PostgreSql, cluster.ConnectionStringWithoutPassword, temp.Combine("repository")) { Credential = credential, ThrottleLimit = 2 }, null, CancellationToken.None));
        Assert.True(seen.Processes > 0, "pg_dump was never seen running");
        Assert.DoesNotContain(password, seen.CommandLines);
        Assert.DoesNotContain(password, seen.Environments);
        Assert.Contains("PGPASSFILE=", seen.Environments);
        Assert.All(seen.PasswordFiles, file => Assert.False(File.Exists(file), $"{file} was left behind"));

        var restoring = new ProcessWatch("pg_restore");
        await restoring.WhileRunning(() => BackupEngine.ImportDatabaseAsync(
            new ImportDatabaseRequest(set.Path, cluster.ConnectionStringWithoutPassword.Replace("Database=postgres", "Database=copy", StringComparison.Ordinal)) { Credential = credential }, null, CancellationToken.None));
        Assert.True(restoring.Processes > 0, "pg_restore was never seen running");
        Assert.DoesNotContain(password, restoring.CommandLines);
        Assert.DoesNotContain(password, restoring.Environments);
        Assert.Equal(300000, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM big"));
    }

    [Fact]
    public async Task A_cancelled_export_stops_pg_dump_and_leaves_neither_a_set_nor_the_password_file()
    {
        using var temp = new TempDirectory("bkc-pg-export-cancel-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 8) AS payload FROM generate_series(1, 500000) g");
        cluster.RequirePassword("cancel-" + Guid.NewGuid().ToString("N"));
        string repository = temp.Combine("repository");
        using var cancel = new CancellationTokenSource();
        var request = new ExportDatabaseRequest(DatabaseEngine.PostgreSql, cluster.ConnectionStringWithoutPassword, repository)
        {
            Credential = new NetworkCredential("postgres", cluster.Password),
            ThrottleLimit = 2,
        };

        var export = Task.Run(() => BackupEngine.ExportDatabaseAsync(request, null, cancel.Token));
        (int Pid, string PasswordFile)? running = null;
        while (running is null && !export.IsCompleted)
        {
            running = ProcessWatch.Find("pg_dump", repository);
            Thread.Sleep(2);
        }

        Assert.True(running is not null, "pg_dump was never seen running");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);

        Assert.False(Directory.Exists($"/proc/{running.Value.Pid}"), "pg_dump still runs");
        Assert.Null(ProcessWatch.Find("pg_dump", repository));
        Assert.Empty(Directory.GetFileSystemEntries(repository));
        Assert.False(File.Exists(running.Value.PasswordFile), "the password file was left behind");
    }

    [Fact]
    public async Task Import_refuses_a_database_that_is_not_empty_without_Force_and_Clean_replaces_the_objects_of_the_export()
    {
        using var temp = new TempDirectory("bkc-pg-import-force-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 1000) g");
        var set = await BackupEngine.ExportDatabaseAsync(Request(cluster), null, CancellationToken.None);
        var import = new ImportDatabaseRequest(set.Path, cluster.ConnectionStringTo("copy"));
        await BackupEngine.ImportDatabaseAsync(import, null, CancellationToken.None);
        cluster.ExecuteIn("copy", "INSERT INTO items SELECT g FROM generate_series(1001, 1500) g");

        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(import, null, CancellationToken.None));
        Assert.Equal(Errors.ImportTargetNotEmpty, refused.Error);
        var refusedWithClean = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(import with { Clean = true }, null, CancellationToken.None));
        Assert.Equal(Errors.ImportTargetNotEmpty, refusedWithClean.Error);
        Assert.Equal(1500, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM items"));

        var failed = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(import with { Force = true }, null, CancellationToken.None));
        Assert.Equal(Errors.ImportFailed, failed.Error);
        Assert.Contains("already exists", failed.Message, StringComparison.Ordinal);

        var cleaned = await BackupEngine.ImportDatabaseAsync(import with { Force = true, Clean = true }, null, CancellationToken.None);
        Assert.True(cleaned.Cleaned);
        Assert.Equal(1000, cluster.ScalarIn<long>("copy", "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Test_BackupSet_finds_a_changed_byte_in_an_export_and_Import_refuses_the_set()
    {
        using var temp = new TempDirectory("bkc-pg-export-bad-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE TABLE items AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 5000) g");
        var set = await BackupEngine.ExportDatabaseAsync(Request(cluster), null, CancellationToken.None);
        string data = Directory.EnumerateFiles(Path.Combine(set.Path, "dump"), "*.dat.gz").OrderByDescending(f => new FileInfo(f).Length).First();
        using (var stream = new FileStream(data, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        var test = await BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set.Path), null, CancellationToken.None);
        Assert.False(test.Passed);
        Assert.Equal(Errors.BackupSetFileChanged.Id, Assert.Single(test.Problems).ErrorId);
        Assert.Equal("dump/" + Path.GetFileName(data), test.Problems[0].Path);
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(set.Path, cluster.ConnectionStringTo("copy")), null, CancellationToken.None));
        Assert.Equal(Errors.BackupSetVerificationFailed, refused.Error);
        Assert.Equal(0, cluster.Scalar<long>("SELECT count(*) FROM pg_database WHERE datname = 'copy'"));
    }

    [Fact]
    public async Task Schema_and_Table_limit_the_export_and_a_failing_pg_dump_leaves_no_set()
    {
        using var temp = new TempDirectory("bkc-pg-export-some-");
        using var cluster = PostgresCluster.Create(temp.Path, archiving: false);
        cluster.Execute("CREATE SCHEMA sales; CREATE SCHEMA hr; CREATE TABLE sales.orders AS SELECT 1 AS id; CREATE TABLE hr.people AS SELECT 1 AS id; CREATE TABLE public.kept AS SELECT 1 AS id; CREATE TABLE public.left_out AS SELECT 1 AS id");
        string repository = temp.Combine("repository");
        var schema = await BackupEngine.ExportDatabaseAsync(Request(cluster, repository) with { Schema = ["sales", "h*"] }, null, CancellationToken.None);
        var table = await BackupEngine.ExportDatabaseAsync(Request(cluster, repository) with { Table = ["public.kept"] }, null, CancellationToken.None);
        await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(schema.Path, cluster.ConnectionStringTo("schemas")), null, CancellationToken.None);
        await BackupEngine.ImportDatabaseAsync(new ImportDatabaseRequest(table.Path, cluster.ConnectionStringTo("tables")), null, CancellationToken.None);
        const string TableNames = "SELECT string_agg(table_schema || '.' || table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
        Assert.Equal("sales.orders,hr.people", cluster.ScalarIn<string>("schemas", TableNames.Replace("ORDER BY table_name", "ORDER BY table_schema DESC", StringComparison.Ordinal)));
        Assert.Equal("public.kept", cluster.ScalarIn<string>("tables", TableNames));
        Assert.Equal(["sales", "h*"], ManifestStore.Read(schema.Path).Export!.Schemas);
        Assert.Equal(["public.kept"], ManifestStore.Read(table.Path).Export!.Tables);

        var sqlDump = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ExportDatabaseAsync(Request(cluster, repository) with { Format = ExportFormat.SqlDump }, null, CancellationToken.None));
        Assert.Equal(Errors.ParameterOutOfRange, sqlDump.Error);
        var failed = await Assert.ThrowsAsync<BackupException>(() => BackupEngine.ExportDatabaseAsync(Request(cluster, repository) with { Table = ["no_such_table"] }, null, CancellationToken.None));
        Assert.Equal(Errors.ExportFailed, failed.Error);
        Assert.Contains("no matching tables", failed.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { schema.Path, table.Path }.Order(), Directory.GetDirectories(repository).Order());
    }

    private static ExportDatabaseRequest Request(PostgresCluster cluster, string? repository = null) =>
        new(DatabaseEngine.PostgreSql, cluster.ConnectionString, repository ?? Path.Combine(cluster.Root, "..", "repository"));

    /// <summary>The row count and an md5 of every row, in id order, of a table (or a query aliased t).</summary>
    private static string Fingerprint(PostgresCluster cluster, string database, string from) =>
        cluster.ScalarIn<string>(database, $"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM {from}");

    /// <summary>
    /// Watches /proc, while an operation runs, for processes of one program: what their command lines
    /// and environments held (as ps and a root user can read them) and the password files they were given.
    /// </summary>
    private sealed class ProcessWatch(string program)
    {
        private readonly HashSet<string> _commandLines = [];
        private readonly StringBuilder _environments = new();
        private readonly HashSet<int> _pids = [];

        public int Processes => _pids.Count;

        public string CommandLines => string.Join('\n', _commandLines);

        public string Environments => _environments.ToString();

        public List<string> PasswordFiles { get; } = [];

        /// <summary>A running process of <paramref name="program"/> whose command line names <paramref name="containing"/>: its pid and PGPASSFILE.</summary>
        public static (int Pid, string PasswordFile)? Find(string program, string containing)
        {
            foreach (string folder in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    string commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                    if (commandLine.Contains("/" + program + " ", StringComparison.Ordinal) && commandLine.Contains(containing, StringComparison.Ordinal)
                        && int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                    {
                        string passwordFile = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0')
                            .Where(v => v.StartsWith("PGPASSFILE=", StringComparison.Ordinal)).Select(v => v["PGPASSFILE=".Length..]).Single();
                        return (pid, passwordFile);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process ended while it was read.
                }
            }

            return null;
        }

        public async Task<T> WhileRunning<T>(Func<Task<T>> operation)
        {
            var task = Task.Run(operation);
            while (!task.IsCompleted)
            {
                Sample();
                Thread.Sleep(2);
            }

            return await task;
        }

        private void Sample()
        {
            foreach (string folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    continue;
                }

                try
                {
                    string commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                    _commandLines.Add(commandLine);
                    if (!commandLine.Contains("/" + program + " ", StringComparison.Ordinal) || !_pids.Add(pid))
                    {
                        continue;
                    }

                    string environment = File.ReadAllText(Path.Combine(folder, "environ"));
                    _environments.AppendLine(environment.Replace('\0', '\n'));
                    PasswordFiles.AddRange(environment.Split('\0').Where(v => v.StartsWith("PGPASSFILE=", StringComparison.Ordinal)).Select(v => v["PGPASSFILE=".Length..]));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process ended while it was read.
                }
            }
        }
    }
}
