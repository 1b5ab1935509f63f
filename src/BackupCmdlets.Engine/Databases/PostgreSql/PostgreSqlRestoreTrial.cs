using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// A trial restore of a PostgreSQL set into a scratch folder: restored with recovery stopping where the
/// set becomes consistent, then a server of the set's major version started on it as the set's owner,
/// reachable only through a socket in a private folder (no TCP port, trust for that socket alone),
/// with archiving off and small memory settings, and pg_amcheck run on every database. The server is
/// stopped in every outcome; the caller removes the folder.
/// </summary>
internal static partial class PostgreSqlRestoreTrial
{
    private const string Port = "5432";
    private const int LogLinesShown = 15;

    public static async Task<RestoreTestResult> RunAsync(string setPath, BackupSetManifest manifest, SetContents contents, string scratch, int throttle, RestoreProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string binDirectory = BinDirectory(manifest);
        string? runAs = ServerUser(manifest, setPath);
        string data = Path.Combine(scratch, "data");
        var mapping = manifest.Tablespaces.ToDictionary(t => t.Id, t => Path.Combine(scratch, "tablespaces", t.Id));
        progress.Status("Restoring on trial");
        await PostgreSqlRestore.RestoreAsync(
            setPath,
            manifest,
            new RestoreBackupSetRequest(setPath, data) { TablespaceMapping = mapping, RecoverToConsistency = manifest.Kind == Databases.BackupKind.Hot, ThrottleLimit = throttle },
            contents,
            progress,
            cancellationToken);

        string hba = OwnedFile(Path.Combine(scratch, "pg_hba.conf"), "local all all trust\n", manifest);
        string log = OwnedFile(Path.Combine(scratch, "server.log"), "", manifest);
        string? config = File.Exists(Path.Combine(data, "postgresql.conf")) ? null : OwnedFile(Path.Combine(scratch, "postgresql.conf"), "", manifest);

        // The socket's path must fit in 107 bytes, which a scratch folder's may not leave: a private folder of /tmp, removed with the server.
        string socket = Directory.CreateTempSubdirectory("bkc-trial-").FullName;
        var options = new List<string>
        {
            "-p", Port, "-k", socket, "-c", "listen_addresses=", "-c", $"hba_file={hba}", "-c", "archive_mode=off", "-c", "hot_standby=off",
            "-c", "shared_buffers=128MB", "-c", "max_connections=20", "-c", "logging_collector=off", "-c", "shared_preload_libraries=", "-c", "ssl=off",
        };
        if (config is not null)
        {
            // A set from a cluster whose configuration lives elsewhere (Debian's /etc/postgresql): the defaults serve.
            options.AddRange(["-c", $"config_file={config}"]);
        }

        string pgCtl = Path.Combine(binDirectory, "pg_ctl");
        try
        {
            RestoreTarget.Own(socket, manifest);
            progress.Status("Starting a server on the trial restore and waiting for its recovery");
            var started = await ServerUserCommand.RunAsync(
                runAs, pgCtl, ["start", "-D", data, "-w", "-t", "86400", "-l", log, "-o", string.Join(' ', options.Select(RecoverySettings.ShellQuote))], cancellationToken);
            if (started.ExitCode != 0)
            {
                return Failed(clock, [], null, $"The restored server did not start or did not finish its recovery (pg_ctl exit code {started.ExitCode}). The end of its log:\n{LogTail(log)}");
            }

            string role = runAs ?? Environment.UserName;
            var databases = await DatabasesAsync(socket, role, data, cancellationToken);
            string? consistentAt = ConsistentPoint().Match(File.ReadAllText(log)) is { Success: true } m ? m.Groups[1].Value : null;
            progress.Status($"Running pg_amcheck on {databases.Count} database(s)");
            var check = await ServerUserCommand.RunAsync(
                runAs,
                Path.Combine(binDirectory, "pg_amcheck"),
                ["-h", socket, "-p", Port, "-U", role, "--all", "--install-missing", "--jobs", throttle.ToString(CultureInfo.InvariantCulture)],
                cancellationToken);
            string report = (check.Output + check.Error).Trim();
            return check.ExitCode == 0
                ? new RestoreTestResult(true, "pg_amcheck", databases, consistentAt, clock.Elapsed, report.Length > 0 ? report : "pg_amcheck found no corruption")
                : Failed(clock, databases, consistentAt, $"pg_amcheck (exit code {check.ExitCode}): {Shorten(report)}");
        }
        catch (NpgsqlException ex)
        {
            return Failed(clock, [], null, $"The restored server could not be queried as '{runAs ?? Environment.UserName}': {ex.Message}. The end of its log:\n{LogTail(log)}");
        }
        finally
        {
            await StopAsync(runAs, pgCtl, data);
            Directory.Delete(socket, recursive: true);
        }
    }

    /// <summary>
    /// Stops the trial server; one that does not stop in time is killed, since its files are about to be
    /// removed. A start cut short (cancelled) may leave a server that has not written its postmaster.pid
    /// yet, which pg_ctl cannot stop: its processes are looked for by their folder for a while and killed.
    /// </summary>
    private static async Task StopAsync(string? runAs, string pgCtl, string data)
    {
        var stopped = await ServerUserCommand.RunAsync(runAs, pgCtl, ["stop", "-D", data, "-m", "fast", "-w", "-t", "60"], CancellationToken.None);
        if (stopped.ExitCode == 0)
        {
            return;
        }

        var quietSince = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (quietSince.Elapsed < TimeSpan.FromSeconds(1) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var pids = RunningServers.PostmasterOf(data) is { } postmaster ? [postmaster, .. RunningServers.ProcessesIn(data)] : RunningServers.ProcessesIn(data);
            foreach (int pid in pids.Distinct())
            {
                quietSince.Restart();
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // Gone meanwhile.
                }
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The databases that take connections, asked once the server takes them (pg_ctl may return while it still finishes its recovery).</summary>
    private static async Task<IReadOnlyList<string>> DatabasesAsync(string socket, string role, string data, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = socket, Port = int.Parse(Port, CultureInfo.InvariantCulture), Username = role, Database = "template1", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        while (true)
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CannotConnectNow && RunningServers.PostmasterOf(data) is not null)
            {
                await Task.Delay(200, cancellationToken);
            }
        }

        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The set's major version's programs, as Debian installs them side by side.</summary>
    private static string BinDirectory(BackupSetManifest manifest)
    {
        string major = new(manifest.Database.ServerVersion.TakeWhile(char.IsAsciiDigit).ToArray());
        string folder = $"/usr/lib/postgresql/{major}/bin";
        if (!File.Exists(Path.Combine(folder, "postgres")) || !File.Exists(Path.Combine(folder, "pg_amcheck")))
        {
            throw new BackupException(
                Errors.RestoreTestNotPossible,
                $"The set was made by PostgreSQL {manifest.Database.ServerVersion}: a trial restore needs that major version's postgres, pg_ctl and pg_amcheck in {folder}.",
                folder);
        }

        return folder;
    }

    /// <summary>The user the trial server runs as: as root, the set's owner (the server refuses root); otherwise this user, who owns what it restores.</summary>
    private static string? ServerUser(BackupSetManifest manifest, string setPath)
    {
        if (!UnixFileSystem.IsRoot)
        {
            return null;
        }

        string name = manifest.OwnerId is { } uid and not 0 ? AccountNames.UserName(uid) : "";
        return name.Length > 0
            ? name
            : throw new BackupException(
                Errors.RestoreTestNotPossible,
                $"The set's files belong to user id {manifest.OwnerId?.ToString(CultureInfo.InvariantCulture) ?? "(none recorded)"}, which is not a user here other than root: PostgreSQL refuses to run as root, so the trial server has no user to run as.",
                setPath);
    }

    private static string OwnedFile(string path, string content, BackupSetManifest manifest)
    {
        File.WriteAllText(path, content);
        UnixFileSystem.SetPermissions(path, 0x180);
        RestoreTarget.Own(path, manifest);
        return path;
    }

    private static RestoreTestResult Failed(Stopwatch clock, IReadOnlyList<string> databases, string? consistentAt, string detail) =>
        new(false, "pg_amcheck", databases, consistentAt, clock.Elapsed, detail);

    private static string LogTail(string log) =>
        File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(LogLinesShown)) : "(no log)";

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + " ...";

    [GeneratedRegex(@"consistent recovery state reached at ([0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex ConsistentPoint();
}
