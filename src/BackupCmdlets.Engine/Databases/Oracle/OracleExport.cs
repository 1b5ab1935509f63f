using System.Data.Common;
using System.Globalization;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// An Oracle database exported by Data Pump (DBMS_DATAPUMP over the same session as the hot backup's):
/// a FULL job, or a SCHEMA job of the schemas asked for, consistent as of the SCN read just before it
/// (FLASHBACK_SCN), with the degree of parallelism asked for. The server writes the dump files and the
/// log into a directory object; this process then copies them into the set, so the directory's path
/// must be readable here (the database host, or a share mounted at the same path), and removes them
/// from the directory (UTL_FILE.FREMOVE): they are named after the set, so they are ours. A failed,
/// stopped or cancelled job (cancel stops it with STOP_JOB) leaves neither a set nor a dump file.
/// </summary>
internal sealed class OracleExport(ExportDatabaseRequest request, DbProviderFactory factory) : IExportProvider
{
    private const string SetFolder = "datapump";
    private const int LogTail = 2000;
    private readonly OracleSession _session = new(factory, OracleSession.ConnectionStringFor(request.ConnectionString, request.Credential));
    private string _version = "";

    public string? Position { get; private set; }

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        if (request.Format != ExportFormat.Native || request.Table.Count > 0)
        {
            throw new BackupException(Errors.ParameterOutOfRange, $"An Oracle export is a Data Pump job of the whole database or of {ParameterNames.Of(nameof(ExportDatabaseRequest.Schema))}: {ParameterNames.Of(nameof(ExportDatabaseRequest.Table))} and {ParameterNames.Of(nameof(ExportDatabaseRequest.Format))} SqlDump are not for Oracle.");
        }

        await _session.OpenAsync(cancellationToken);
        long dbid = 0;
        string name = "";
        await _session.QueryAsync(OracleStatements.Database, r => (dbid, name) = (Number(r, 0), r.GetString(1)), cancellationToken);
        await _session.QueryAsync(OracleStatements.Version, r => _version = r.GetString(0), cancellationToken);
        int blockSize = 0;
        await _session.QueryAsync(OracleStatements.BlockSize, r => blockSize = int.Parse(Convert.ToString(r.GetValue(0), CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture), cancellationToken);
        return new DatabaseDescription(DatabaseEngine.Oracle, dbid.ToString(CultureInfo.InvariantCulture), _version, name, blockSize, BlockChecksums: false);
    }

    public async Task<ManifestExport> ExportAsync(BackupSetWriter set, CancellationToken cancellationToken)
    {
        string directory = OracleSql.NormalizeUserIdentifier(request.OracleDirectory, "directory");
        var schemas = request.Schema.Select(s => OracleSql.NormalizeUserIdentifier(s, "schema")).Distinct(StringComparer.Ordinal).ToList();
        string folder = await DirectoryPathAsync(directory, cancellationToken);

        string setId = Path.GetFileName(set.Folder);
        var job = OracleDataPumpJob.For(setId, directory, request.ThrottleLimit ?? 1);
        long scn = 0;
        await _session.QueryAsync(OracleStatements.CurrentScn, r => scn = Number(r, 0), cancellationToken);
        ManifestExport export;
        try
        {
            set.Report($"Exporting with Data Pump as of SCN {scn}", job.Name);
            string state = await RunAsync(job, schemas, scn, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (state != "COMPLETED")
            {
                throw new BackupException(Errors.ExportFailed, $"The Data Pump job {job.Name} ended {state}, not COMPLETED. Its log: {Tail(Path.Combine(folder, job.LogFile))}", job.Name);
            }

            var dumps = Directory.EnumerateFiles(folder, job.DumpPattern).Order(StringComparer.Ordinal).ToList();
            string log = Path.Combine(folder, job.LogFile);
            if (dumps.Count == 0 || !File.Exists(log))
            {
                throw new BackupException(
                    Errors.ExportDirectoryNotReachable,
                    $"The Data Pump job {job.Name} completed, but its files are not in '{folder}' as seen from this host: the directory {directory} is on the database host and not shared here at that path. "
                    + "Run the export on the database host, or mount the directory at the same path; the job's files were removed.",
                    folder);
            }

            set.CreateDirectory(SetFolder, 0x1C0);
            var files = dumps.Append(log).Select(f => new SourceFile(f, $"{SetFolder}/{Path.GetFileName(f)}") { Length = new FileInfo(f).Length }).ToList();
            await set.CopyPlainAsync(files, null, cancellationToken);
            var copied = set.Files.ToDictionary(f => f.Path, f => f.Size, StringComparer.Ordinal);
            if (files.FirstOrDefault(f => copied[f.SetPath] != new FileInfo(f.SourcePath).Length) is { } changed)
            {
                throw new BackupException(Errors.ExportFailed, $"'{changed.SourcePath}' changed size while it was copied into the set: something else writes to the directory {directory}.", changed.SourcePath);
            }

            export = new ManifestExport(ManifestExport.OracleDataPump, SetFolder, "Oracle Data Pump " + _version, schemas, [])
            {
                Log = $"{SetFolder}/{job.LogFile}",
            };
        }
        catch
        {
            await RemoveFilesAsync(job, folder, quiet: true);
            throw;
        }

        await RemoveFilesAsync(job, folder, quiet: false);
        Position = scn.ToString(CultureInfo.InvariantCulture);
        return export;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task<string> DirectoryPathAsync(string directory, CancellationToken cancellationToken)
    {
        string? path = null;
        await _session.QueryAsync(OracleStatements.DirectoryPath, r => path = r.GetString(0), cancellationToken, ("directory_name", directory));
        if (path is null)
        {
            throw new BackupException(
                Errors.ExportDirectoryNotFound,
                $"There is no directory object {directory} this user may use (ALL_DIRECTORIES): create it (CREATE DIRECTORY ... AS '/path') and grant READ, WRITE on it, or name another with {ParameterNames.Of(nameof(ExportDatabaseRequest.OracleDirectory))}.",
                directory);
        }

        // Checked before the job runs, so an export that could not be taken into the set is not made first.
        if (!Directory.Exists(path))
        {
            throw new BackupException(
                Errors.ExportDirectoryNotReachable,
                $"The directory {directory} is '{path}' on the database host, which this host cannot see: run the export on the database host, or mount the directory here at the same path.",
                path);
        }

        return path;
    }

    /// <summary>Runs the job to its end; a cancel stops it from a second session, and the wait then returns.</summary>
    private async Task<string> RunAsync(OracleDataPumpJob job, IReadOnlyList<string> schemas, long scn, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var binds = new List<(string, object)>
        {
            ("job_mode", schemas.Count > 0 ? "SCHEMA" : "FULL"),
            ("job_name", job.Name),
            ("dump_file", job.DumpFile),
            ("dump_directory", job.Directory),
            ("log_file", job.LogFile),
            ("log_directory", job.Directory),
        };
        if (schemas.Count > 0)
        {
            // Names checked as unquoted identifiers, so they hold no quote: the filter's literals cannot be broken out of.
            binds.Add(("schema_expr", "IN (" + string.Join(", ", schemas.Select(s => $"'{s}'")) + ")"));
        }

        binds.Add(("flashback_scn", scn));
        binds.Add(("degree", (long)job.Degree));
        Task? stopping = null;
        using (cancellationToken.Register(() => stopping = Task.Run(() => StopAsync(job))))
        {
            try
            {
                return await _session.ExecuteForOutputAsync(OracleStatements.DataPumpExport(schemas.Count > 0), "job_state", CancellationToken.None, [.. binds]) ?? "UNKNOWN";
            }
            catch (DbException ex)
            {
                throw new BackupException(Errors.ExportFailed, $"The Data Pump job {job.Name} failed: {ex.Message}", job.Name, ex);
            }
            finally
            {
                if (stopping is not null)
                {
                    await stopping;
                }
            }
        }
    }

    private async Task StopAsync(OracleDataPumpJob job)
    {
        try
        {
            await using var session = new OracleSession(factory, _session.ConnectionString);
            await session.OpenAsync(CancellationToken.None);
            await session.ExecuteAsync(OracleStatements.DataPumpStop, CancellationToken.None, ("job_name", job.Name));
        }
        catch (Exception ex) when (ex is DbException or BackupException)
        {
            // The job ended before it could be stopped (or the database is gone): the wait returns either way.
        }
    }

    /// <summary>
    /// Removes the job's files from the directory through the database, which wrote them (locally where
    /// it cannot); those seen here, or, when none is seen, every name the job may have used.
    /// <paramref name="quiet"/> after a failure, whose error is what the caller must see.
    /// </summary>
    private async Task RemoveFilesAsync(OracleDataPumpJob job, string folder, bool quiet)
    {
        var seen = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, job.DumpPattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];
        var names = (seen.Count > 0 ? seen : Enumerable.Range(1, Math.Min(job.Degree, 99)).Select(job.DumpFileNumbered)).Append(job.LogFile);
        foreach (string name in names)
        {
            try
            {
                await _session.ExecuteAsync(OracleStatements.RemoveFile, CancellationToken.None, ("directory_name", job.Directory), ("file_name", name));
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                // No such file (the job wrote fewer), UTL_FILE not granted, or the session lost: what is here is removed directly.
                try
                {
                    File.Delete(Path.Combine(folder, name));
                }
                catch (Exception local) when (quiet && local is IOException or UnauthorizedAccessException)
                {
                    // The export's own failure is what is reported; a dump left behind is then named in no message.
                }
            }
        }
    }

    private static string Tail(string log)
    {
        if (!File.Exists(log))
        {
            return "(not readable from this host)";
        }

        string text = File.ReadAllText(log).Trim();
        return text.Length <= LogTail ? text : "..." + text[^LogTail..];
    }

    private static long Number(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
