using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// TEST CODE: a simulated Oracle database that answers the SQL of a user-managed backup. Its state is
/// small but real: tablespaces whose datafiles are files in Oracle block layout, online logs and a
/// controlfile, the log mode, v$backup status per file, an SCN that advances with every change, archived
/// logs written on each log switch (holding the whole image of every block changed in backup mode), and
/// controlfile backups written where asked. A background writer changes blocks while it runs, each block
/// in two halves with a pause between (header half first), so a copy that reads meanwhile catches
/// fractured blocks; BEGIN BACKUP returns once it is part-way through a block of the files just put in
/// backup mode, so the copy that follows always meets a write in flight. Every statement is recorded.
/// Failure switches: the log mode, a tablespace left in backup mode, a missing datafile, dropping every
/// session, refusing new ones, archived logs lost from disk. It also runs Data Pump export jobs
/// (SimulatedOracleDatabase.DataPump.cs). It does not simulate recovery (beyond the block images), or any SQL but the backup's and the export's.
/// </summary>
public sealed partial class SimulatedOracleDatabase : IDisposable
{
    public const string Version = "19.0.0.0.0 (simulated)";
    public const long Dbid = 1234567890;
    public const int BlockSize = 8192;

    private static readonly ConcurrentDictionary<string, SimulatedOracleDatabase> Registry = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    // Held by the writer for a whole two-half block write, and by what must not overlap one (the checkpoint
    // of a backup-mode change, shutdown, the test switches); taken before _gate, never after it.
    private readonly object _writeGate = new();
    private readonly List<Datafile> _datafiles = [];
    private readonly List<ArchivedLog> _archived = [];
    private readonly List<string> _statements = [];
    private readonly List<SimulatedCall> _calls = [];
    private readonly HashSet<SimulatedOracleConnection> _sessions = [];
    private readonly List<string> _connectionStrings = [];
    private readonly HashSet<(int File, long Block)> _untouchable = [];
    private readonly Random _random = new(42);
    private Thread? _writer;
    private volatile bool _writerRunning;
    private long _scn = 0xFFFF_FF00L; // just below 2^32, so the SCN wrap field is exercised
    private long _sequence = 1;
    private long _sequenceFirstScn;
    private int _changesInLog;
    private readonly List<SimulatedRedoRecord> _blockImages = [];
    private readonly ManualResetEventSlim _writeInFlight = new();

    public SimulatedOracleDatabase(string root, IReadOnlyList<(string Tablespace, int Blocks)>? files = null)
    {
        Root = root;
        Name = "SIM" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Directory.CreateDirectory(DataFolder);
        Directory.CreateDirectory(ArchiveFolder);
        files ??= [("SYSTEM", 96), ("SYSAUX", 64), ("USERS", 80), ("USERS", 80)];
        int number = 1;
        foreach (var (tablespace, blocks) in files)
        {
            string path = Path.Combine(DataFolder, $"{tablespace.ToLowerInvariant()}{number:D2}.dbf");
            var file = new Datafile(number++, tablespace, path, blocks);
            _datafiles.Add(file);
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(SimulatedBlocks.OsHeader(BlockSize, blocks));
            stream.Write(SimulatedBlocks.Format(BlockSize, file.Number, 1, SimulatedBlocks.FileHeaderType, _scn, 1, _random));
            for (long block = 2; block < blocks; block++)
            {
                // A few never-formatted blocks at the end, as a datafile has.
                stream.Write(block >= blocks - 4 ? new byte[BlockSize] : SimulatedBlocks.Format(BlockSize, file.Number, block, SimulatedBlocks.DataType, ++_scn, 1, _random));
            }
        }

        _sequenceFirstScn = _scn;
        foreach (string log in LogFiles.Concat([ControlFile]))
        {
            var content = new byte[64 * 1024];
            _random.NextBytes(content);
            File.WriteAllBytes(log, content);
        }

        Directory.CreateDirectory(DataPumpFolder);
        _directories["DATA_PUMP_DIR"] = DataPumpFolder;
        Registry[Name] = this;
    }

    public string Root { get; }

    public string Name { get; }

    /// <summary>The connection string that reaches this database (no password needed).</summary>
    public string ConnectionString => $"Data Source={Name};User Id=backup";

    public string DataFolder => Path.Combine(Root, "oradata");

    public string ArchiveFolder => Path.Combine(Root, "arch");

    public IReadOnlyList<string> LogFiles => [Path.Combine(DataFolder, "redo01.log"), Path.Combine(DataFolder, "redo02.log")];

    public string ControlFile => Path.Combine(DataFolder, "control01.ctl");

    /// <summary>Switch: the database runs in NOARCHIVELOG mode (no hot backup possible).</summary>
    public bool ArchiveLogMode { get; set; } = true;

    /// <summary>Switch: new sessions are refused (the listener is gone), so a dropped session cannot be replaced.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>Switch: archived logs vanish from disk once written (removed behind the database's back), though v$archived_log still lists them.</summary>
    public bool LoseArchivedLogs { get; set; }

    /// <summary>Whether the instance is open (false after SHUTDOWN IMMEDIATE until STARTUP).</summary>
    public bool IsOpen { get; private set; } = true;

    public long CurrentScn
    {
        get
        {
            lock (_gate)
            {
                return _scn;
            }
        }
    }

    /// <summary>Blocks the background writer changed, and of those how many while their file was in backup mode.</summary>
    public long BlocksWritten { get; private set; }

    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (_statements)
            {
                return [.. _statements];
            }
        }
    }

    /// <summary>Every statement with its binds and the first value answered (the SCN read, for one), in order.</summary>
    public IReadOnlyList<SimulatedCall> Calls
    {
        get
        {
            lock (_statements)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<(int Number, string Tablespace, string Path)> Datafiles => [.. _datafiles.Select(d => (d.Number, d.Tablespace, d.Path))];

    /// <summary>Files in backup mode now (v$backup ACTIVE).</summary>
    public IReadOnlyList<int> ActiveFiles
    {
        get
        {
            lock (_gate)
            {
                return [.. _datafiles.Where(d => d.BackupScn is not null).Select(d => d.Number)];
            }
        }
    }

    /// <summary>The archived logs written so far: sequence, first and next SCN, file.</summary>
    public IReadOnlyList<(long Sequence, long FirstScn, long NextScn, string Path)> ArchivedLogs
    {
        get
        {
            lock (_gate)
            {
                return [.. _archived.Select(a => (a.Sequence, a.FirstScn, a.NextScn, a.Path))];
            }
        }
    }

    public static SimulatedOracleDatabase Find(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.TryGetValue("Data Source", out object? source) && source is string name && Registry.TryGetValue(name, out var database)
            ? database
            : throw new SimulatedOracleException(12154, "TNS:could not resolve the connect identifier specified");
    }

    /// <summary>Switch: a tablespace left in backup mode (as after a crash during a backup).</summary>
    public void LeaveInBackupMode(string tablespace)
    {
        lock (_gate)
        {
            _scn++;
            foreach (var file in _datafiles.Where(d => d.Tablespace == tablespace))
            {
                file.BackupScn = _scn;
            }
        }
    }

    /// <summary>Damages a block on the source before any backup: bytes in its middle overwritten, its header, tail and SCN unchanged.</summary>
    public void CorruptBlock(int fileNumber, long block)
    {
        lock (_writeGate)
        lock (_gate)
        {
            _untouchable.Add((fileNumber, block));
            using var handle = File.OpenHandle(_datafiles.Single(d => d.Number == fileNumber).Path, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.Write(handle, Encoding.ASCII.GetBytes("DAMAGED-ON-DISK!"), block * BlockSize + BlockSize / 2);
        }
    }

    /// <summary>Switch: a datafile lost on disk (BEGIN BACKUP of its tablespace then fails with ORA-01157).</summary>
    public void DeleteDatafile(int fileNumber)
    {
        lock (_writeGate)
        lock (_gate)
        {
            File.Delete(_datafiles.Single(d => d.Number == fileNumber).Path);
        }
    }

    /// <summary>Switch: every session is dropped (ORA-03113 on its next call).</summary>
    public void DropConnections()
    {
        lock (_sessions)
        {
            foreach (var session in _sessions)
            {
                session.Drop();
            }

            _sessions.Clear();
        }

        Record("-- every session dropped");
    }

    /// <summary>Starts the background writer: it changes blocks (of the files in backup mode, when there are some) until stopped.</summary>
    public void StartWriter(int halfWriteMilliseconds = 40)
    {
        _writerRunning = true;
        _writer = new Thread(() => WriteLoop(halfWriteMilliseconds)) { IsBackground = true, Name = "Simulated DBWR" };
        _writer.Start();
    }

    public void StopWriter()
    {
        _writerRunning = false;
        _writer?.Join();
        _writer = null;
    }

    public void Dispose()
    {
        StopWriter();
        _writeInFlight.Dispose();
        Registry.TryRemove(Name, out _);
    }

    /// <summary>The connection strings sessions were opened with (to show where a password goes).</summary>
    public IReadOnlyList<string> ConnectionStringsSeen
    {
        get
        {
            lock (_sessions)
            {
                return [.. _connectionStrings];
            }
        }
    }

    internal void Connect(SimulatedOracleConnection session)
    {
        if (RefuseConnections)
        {
            throw new SimulatedOracleException(12541, "TNS:no listener");
        }

        if (!IsOpen)
        {
            throw new SimulatedOracleException(1034, "ORACLE not available");
        }

        lock (_sessions)
        {
            _sessions.Add(session);
            _connectionStrings.Add(session.ConnectionString);
        }
    }

    internal void Disconnect(SimulatedOracleConnection session)
    {
        lock (_sessions)
        {
            _sessions.Remove(session);
        }
    }

    internal void Shutdown(OracleDBShutdownMode mode, bool closeDismountAndFinal)
    {
        Record($"SHUTDOWN {mode.ToString().ToUpperInvariant()}" + (closeDismountAndFinal ? "" : " (no close/dismount)"));
        lock (_writeGate)
        lock (_gate)
        {
            if (mode != OracleDBShutdownMode.Abort && _datafiles.FirstOrDefault(d => d.BackupScn is not null) is { } active)
            {
                throw new SimulatedOracleException(1149, $"cannot shutdown - file {active.Number} has online backup set");
            }

            IsOpen = false;
        }

        DropConnections();
    }

    internal void Startup()
    {
        Record("STARTUP");
        lock (_gate)
        {
            IsOpen = true;
        }
    }

    private void SwitchLog()
    {
        _scn++;
        string path = Path.Combine(ArchiveFolder, $"1_{_sequence}_{Dbid}.arc");
        SimulatedRedoRecord.WriteLog(path, _blockImages);
        if (LoseArchivedLogs)
        {
            File.Delete(path);
        }

        _archived.Add(new ArchivedLog(_sequence, _sequenceFirstScn, _scn, path));
        _sequence++;
        _sequenceFirstScn = _scn;
        _changesInLog = 0;
        _blockImages.Clear();
    }

    private void Record(string statement)
    {
        lock (_statements)
        {
            _statements.Add(statement);
        }
    }

    private void RecordCall(string statement, IReadOnlyDictionary<string, object?> binds, object? firstValue, string? error = null)
    {
        lock (_statements)
        {
            _calls.Add(new SimulatedCall(statement, binds, firstValue, error));
        }
    }

    private sealed class Datafile(int number, string tablespace, string path, int blocks)
    {
        public int Number { get; } = number;

        public string Tablespace { get; } = tablespace;

        public string Path { get; } = path;

        public int Blocks { get; } = blocks;

        /// <summary>v$backup: the SCN at BEGIN BACKUP while ACTIVE, null when NOT ACTIVE.</summary>
        public long? BackupScn { get; set; }
    }

    private sealed record ArchivedLog(long Sequence, long FirstScn, long NextScn, string Path);
}
