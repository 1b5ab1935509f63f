using System.Data;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// TEST CODE: the simulator's Data Pump. Directory objects (DATA_PUMP_DIR by default) are folders;
/// ALL_DIRECTORIES lists them. The export block (OPEN, ADD_FILE, METADATA_FILTER, SET_PARAMETER,
/// SET_PARALLEL, START_JOB, WAIT_FOR_JOB) is checked as Data Pump would check it, then the job writes one
/// dump file per degree of parallelism (a header naming the job, its mode, schema filter and
/// FLASHBACK_SCN, then bytes derived from them) and a log, runs for <see cref="DataPumpJobMilliseconds"/>
/// unless stopped (ATTACH and STOP_JOB from another session), and answers its state in the output bind.
/// UTL_FILE.FREMOVE removes a file of a directory. Switches: the job ends STOPPED; a directory object
/// missing; the directory on another host (the job writes where this host cannot see).
/// </summary>
public sealed partial class SimulatedOracleDatabase
{
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedDataPumpJob> _runningJobs = new(StringComparer.Ordinal);
    private readonly List<SimulatedDataPumpJob> _jobs = [];

    /// <summary>The folder of DATA_PUMP_DIR.</summary>
    public string DataPumpFolder => Path.Combine(Root, "dpdump");

    /// <summary>Where the job writes when <see cref="DirectoryOnAnotherHost"/>: the database host's own folder, not this one's.</summary>
    public string DatabaseHostFolder => Path.Combine(Root, "dbhost-dpdump");

    /// <summary>Switch: the state WAIT_FOR_JOB answers (STOPPED: the job failed part-way, as after a fatal error of a worker).</summary>
    public string DataPumpJobEnds { get; set; } = "COMPLETED";

    /// <summary>Switch: DATA_PUMP_DIR's path exists here too, but the database host is another one: its files land in <see cref="DatabaseHostFolder"/>.</summary>
    public bool DirectoryOnAnotherHost { get; set; }

    /// <summary>How long a job runs after writing its files, unless it is stopped first.</summary>
    public int DataPumpJobMilliseconds { get; set; }

    /// <summary>Raised while a job runs (its files written, the wait not yet over), on the thread that waits for it.</summary>
    public event Action<SimulatedDataPumpJob>? DataPumpJobRunning;

    public IReadOnlyList<SimulatedDataPumpJob> DataPumpJobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs];
            }
        }
    }

    /// <summary>Switch: a directory object dropped (DROP DIRECTORY).</summary>
    public void DropDirectory(string name)
    {
        lock (_gate)
        {
            _directories.Remove(name);
        }
    }

    /// <summary>The files in the folder a directory object's files really are in (on the database host).</summary>
    public IReadOnlyList<string> FilesInDirectory(string name = "DATA_PUMP_DIR")
    {
        string folder = ServerFolder(name);
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)] : [];
    }

    private DataTable? AnswerDataPump(string text, Dictionary<string, object?> binds)
    {
        if (Regex.IsMatch(text, @"^SELECT directory_path FROM all_directories WHERE directory_name = :directory_name$", RegexOptions.IgnoreCase))
        {
            lock (_gate)
            {
                return _directories.TryGetValue(Text(binds, "directory_name"), out string? path) ? Table(["DIRECTORY_PATH"], Row(path)) : Table(["DIRECTORY_PATH"], []);
            }
        }

        if (ExportBlock().Match(text) is { Success: true } export)
        {
            RunExportJob(binds, export.Groups["filter"].Success);
            return Empty();
        }

        if (StopBlock().IsMatch(text))
        {
            lock (_gate)
            {
                if (!_runningJobs.TryGetValue(Text(binds, "job_name"), out var job))
                {
                    throw new SimulatedOracleException(31626, "job does not exist");
                }

                job.StopRequested = true;
                Monitor.PulseAll(_gate);
            }

            return Empty();
        }

        if (RemoveFileBlock().IsMatch(text))
        {
            string folder = ServerFolder(Text(binds, "directory_name"));
            string file = Path.Combine(folder, Text(binds, "file_name"));
            if (Text(binds, "file_name").Contains('/', StringComparison.Ordinal) || !File.Exists(file))
            {
                throw new SimulatedOracleException(29283, "invalid file operation: nonexistent file or path");
            }

            File.Delete(file);
            return Empty();
        }

        return null;
    }

    private void RunExportJob(Dictionary<string, object?> binds, bool filtered)
    {
        string mode = Text(binds, "job_mode");
        if (mode is not ("FULL" or "SCHEMA"))
        {
            throw new SimulatedOracleException(39001, $"invalid argument value\nORA-39041: the simulator runs FULL and SCHEMA jobs, not {mode}");
        }

        string name = Text(binds, "job_name");
        string? filter = filtered ? Text(binds, "schema_expr") : null;
        if (filter is not null && !Regex.IsMatch(filter, @"^IN \('[A-Z][A-Z0-9_$#]*'(, '[A-Z][A-Z0-9_$#]*')*\)$"))
        {
            throw new SimulatedOracleException(39001, $"invalid argument value\nORA-39207: Value {filter} for parameter SCHEMA_EXPR is invalid");
        }

        long flashback = Convert.ToInt64(binds["flashback_scn"], CultureInfo.InvariantCulture);
        int degree = Convert.ToInt32(binds["degree"], CultureInfo.InvariantCulture);
        string dumpFile = Text(binds, "dump_file");
        string logFile = Text(binds, "log_file");
        SimulatedDataPumpJob job;
        lock (_gate)
        {
            if (_runningJobs.ContainsKey(name))
            {
                throw new SimulatedOracleException(31634, "job already exists");
            }

            foreach (string directory in new[] { Text(binds, "dump_directory"), Text(binds, "log_directory") })
            {
                if (!_directories.ContainsKey(directory))
                {
                    throw new SimulatedOracleException(39002, $"invalid operation\nORA-39070: Unable to open the log file.\nORA-39087: directory name {directory} is invalid");
                }
            }

            if (flashback > _scn || degree < 1)
            {
                throw new SimulatedOracleException(39001, $"invalid argument value (FLASHBACK_SCN {flashback}, current SCN {_scn}; degree {degree})");
            }

            // The job's master table and its workers' writes: the database moves on past the SCN the export is as of.
            _scn += 7;
            string folder = ServerFolder(Text(binds, "dump_directory"));
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int piece = 1; piece <= degree; piece++)
            {
                string file = dumpFile.Replace("%U", piece.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal);
                if (File.Exists(Path.Combine(folder, file)))
                {
                    throw new SimulatedOracleException(39000, $"bad dump file specification\nORA-31641: unable to create dump file \"{Path.Combine(folder, file)}\"\nORA-27038: created file already exists");
                }

                files[file] = DumpContent(name, mode, filter, flashback, piece, degree);
            }

            job = new SimulatedDataPumpJob(name, mode, filter, flashback, _scn, degree, folder, files, logFile);
            _jobs.Add(job);
            _runningJobs[name] = job;
            Directory.CreateDirectory(folder);
            foreach (var (file, content) in files)
            {
                File.WriteAllBytes(Path.Combine(folder, file), content);
            }

            File.WriteAllText(Path.Combine(folder, logFile), $"Starting \"BACKUP\".\"{name}\": mode {mode} {filter} FLASHBACK_SCN={flashback} PARALLEL={degree}\n");
        }

        DataPumpJobRunning?.Invoke(job);
        lock (_gate)
        {
            var until = DateTime.UtcNow.AddMilliseconds(DataPumpJobMilliseconds);
            while (!job.StopRequested && DateTime.UtcNow < until)
            {
                Monitor.Wait(_gate, TimeSpan.FromTicks(Math.Max(0, (until - DateTime.UtcNow).Ticks)));
            }

            job.State = job.StopRequested ? "STOPPED" : DataPumpJobEnds;
            _runningJobs.Remove(name);
            File.AppendAllText(Path.Combine(job.Folder, logFile), job.State == "COMPLETED"
                ? $"Job \"BACKUP\".\"{name}\" successfully completed\n"
                : $"ORA-39014: One or more workers have prematurely exited.\nJob \"BACKUP\".\"{name}\" stopped due to fatal error\n");
        }

        binds["job_state"] = job.State;
    }

    private string ServerFolder(string directory)
    {
        lock (_gate)
        {
            if (!_directories.TryGetValue(directory, out string? path))
            {
                throw new SimulatedOracleException(29280, "invalid directory object");
            }

            return DirectoryOnAnotherHost ? DatabaseHostFolder : path;
        }
    }

    private static byte[] DumpContent(string job, string mode, string? filter, long flashback, int piece, int degree)
    {
        var header = Encoding.ASCII.GetBytes($"SIMULATED DATA PUMP DUMP\njob={job}\nmode={mode}\nschemas={filter ?? "(all)"}\nflashback_scn={flashback}\npiece={piece}/{degree}\n");
        var body = new byte[40_000 + piece * 1000];
        new Random(HashCode.Combine(flashback, piece)).NextBytes(body);
        return [.. header, .. body];
    }

    private static string Text(Dictionary<string, object?> binds, string name) =>
        binds.TryGetValue(name, out object? value) && value is string text ? text : throw new SimulatedOracleException(1008, $"not all variables bound (:{name})");

    [GeneratedRegex(
        @"^DECLARE h NUMBER; job_state VARCHAR2\(30\); BEGIN "
        + @"h := DBMS_DATAPUMP\.OPEN\(operation => 'EXPORT', job_mode => :job_mode, job_name => :job_name\); BEGIN "
        + @"DBMS_DATAPUMP\.ADD_FILE\(handle => h, filename => :dump_file, directory => :dump_directory, filetype => DBMS_DATAPUMP\.KU\$_FILE_TYPE_DUMP_FILE\); "
        + @"DBMS_DATAPUMP\.ADD_FILE\(handle => h, filename => :log_file, directory => :log_directory, filetype => DBMS_DATAPUMP\.KU\$_FILE_TYPE_LOG_FILE\); "
        + @"(?<filter>DBMS_DATAPUMP\.METADATA_FILTER\(handle => h, name => 'SCHEMA_EXPR', value => :schema_expr\); )?"
        + @"DBMS_DATAPUMP\.SET_PARAMETER\(handle => h, name => 'FLASHBACK_SCN', value => :flashback_scn\); "
        + @"DBMS_DATAPUMP\.SET_PARALLEL\(handle => h, degree => :degree\); "
        + @"DBMS_DATAPUMP\.START_JOB\(handle => h\); "
        + @"EXCEPTION WHEN OTHERS THEN DBMS_DATAPUMP\.STOP_JOB\(handle => h, immediate => 1, keep_master => 0\); RAISE; END; "
        + @"DBMS_DATAPUMP\.WAIT_FOR_JOB\(handle => h, job_state => job_state\); :job_state := job_state; END;$")]
    private static partial Regex ExportBlock();

    [GeneratedRegex(@"^DECLARE h NUMBER; BEGIN h := DBMS_DATAPUMP\.ATTACH\(job_name => :job_name, job_owner => USER\); DBMS_DATAPUMP\.STOP_JOB\(handle => h, immediate => 1, keep_master => 0\); END;$")]
    private static partial Regex StopBlock();

    [GeneratedRegex(@"^BEGIN UTL_FILE\.FREMOVE\(location => :directory_name, filename => :file_name\); END;$")]
    private static partial Regex RemoveFileBlock();
}
