using System.Data.Common;
using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Oracle user-managed backups over ADO.NET (System.Data.Common) against whatever provider factory it is
/// given: ODP.NET loaded at run time (<see cref="OracleDriver"/>), or the simulator in the tests.
/// Hot: one tablespace at a time (or the whole database) in backup mode, confirmed in v$backup, its
/// datafiles copied in whole blocks, END BACKUP (reconnecting when the session was lost); after the last
/// END BACKUP, ARCHIVE LOG CURRENT, the controlfile backed up (binary and trace), and the archived logs
/// from the backup's start SCN to its end SCN. Cold: SHUTDOWN IMMEDIATE through <see cref="OracleInstanceControl"/>,
/// every datafile, online log and controlfile copied, STARTUP.
/// </summary>
internal sealed class OracleProvider : IHotBackupProvider, IColdBackupProvider
{
    private const string WholeDatabaseScope = "DATABASE";
    private readonly StartBackupRequest _request;
    private readonly DbProviderFactory _factory;
    private readonly OracleSession _session;
    private readonly Dictionary<string, IReadOnlyList<OracleDatafile>> _scopeFiles = new(StringComparer.Ordinal);
    private IReadOnlyList<OracleDatafile> _datafiles = [];
    private IReadOnlyList<SourceFile> _coldFiles = [];
    private string _databaseName = "";
    private string _logMode = "";
    private long _resetlogsScn;
    private int _blockSize;
    private string? _stagingPath;

    public OracleProvider(StartBackupRequest request, DbProviderFactory factory)
    {
        _request = request;
        _factory = factory;
        _session = new OracleSession(factory, OracleSession.ConnectionStringFor(request));
    }

    public IReadOnlyList<TablespaceEntry> Tablespaces { get; private set; } = [];

    public IReadOnlyList<BackupScope> Scopes { get; private set; } = [];

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        if (_request.UsesTar)
        {
            throw new BackupException(Errors.OracleTarFormatNotSupported, $"Oracle sets are stored as plain copies of the datafiles: {ParameterNames.Of(nameof(StartBackupRequest.Format))} Tar and {ParameterNames.Of(nameof(StartBackupRequest.Compression))} are not supported for {ParameterNames.Of(nameof(StartBackupRequest.Engine))} Oracle.");
        }

        await _session.OpenAsync(cancellationToken);
        long dbid = 0;
        await _session.QueryAsync(OracleStatements.Database, r =>
        {
            dbid = Number(r, 0);
            _databaseName = r.GetString(1);
            _logMode = r.GetString(2);
            _resetlogsScn = Number(r, 3);
        }, cancellationToken);
        string version = "";
        await _session.QueryAsync(OracleStatements.Version, r => version = r.GetString(0), cancellationToken);
        await _session.QueryAsync(OracleStatements.BlockSize, r => _blockSize = int.Parse(Convert.ToString(r.GetValue(0), CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture), cancellationToken);
        var datafiles = new List<OracleDatafile>();
        await _session.QueryAsync(OracleStatements.Datafiles, r => datafiles.Add(new OracleDatafile(Number(r, 0), r.GetString(1), r.GetString(2), (int)Number(r, 3), Number(r, 4))), cancellationToken);
        _datafiles = datafiles;
        Tablespaces = [.. datafiles.GroupBy(d => d.Tablespace).Select(g => new TablespaceEntry(g.Key, g.Key, CommonFolder(g.Select(d => d.Path)), "datafiles"))];
        Scopes = ChooseScopes();
        return new DatabaseDescription(DatabaseEngine.Oracle, dbid.ToString(CultureInfo.InvariantCulture), version, CommonFolder(datafiles.Select(d => d.Path)), _blockSize, BlockChecksums: true);
    }

    public async Task EnsureHotBackupPossibleAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(_logMode, "ARCHIVELOG", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupException(
                Errors.OracleNoArchiveLogMode,
                $"The database {_databaseName} is in {_logMode} mode: a hot copy could never be made consistent without the archived redo. "
                + "Enable ARCHIVELOG mode (SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER DATABASE ARCHIVELOG; ALTER DATABASE OPEN) or take a cold backup (Start-ColdBackup).");
        }

        var active = await ActiveFilesAsync(cancellationToken);
        if (active.Count == 0)
        {
            return;
        }

        string named = string.Join("; ", active.Select(f => $"file {f.FileNumber} {f.Path} (tablespace {f.Tablespace})"));
        if (!_request.Force)
        {
            throw new BackupException(
                Errors.OracleBackupModeActive,
                $"Files are already in backup mode (ACTIVE in v$backup), left by another backup or a crash: {named}. "
                + $"End it (ALTER TABLESPACE ... END BACKUP) or pass {ParameterNames.Of(nameof(StartBackupRequest.Force))} to end it before this backup starts.");
        }

        foreach (string tablespace in active.Select(f => f.Tablespace).Distinct(StringComparer.Ordinal))
        {
            await _session.ExecuteAsync(OracleStatements.TablespaceEndBackup(tablespace), cancellationToken);
        }

        if ((await ActiveFilesAsync(cancellationToken)) is { Count: > 0 } left)
        {
            throw new BackupException(Errors.OracleBackupModeActive, $"Files are still in backup mode after ending it: {string.Join("; ", left.Select(f => $"file {f.FileNumber} {f.Path}"))}.");
        }
    }

    public async Task<ScopeStart> BeginBackupAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        var files = _scopeFiles[scope.Name];
        try
        {
            await _session.ExecuteAsync(BeginSql(scope), cancellationToken);
        }
        catch (DbException ex)
        {
            throw new BackupException(Errors.BackupStartFailed, $"Backup mode could not be begun for {Describe(scope)}: {ex.Message}", scope.Name, ex);
        }

        var status = new Dictionary<long, (string Status, long Scn)>();
        try
        {
            await _session.QueryAsync(OracleStatements.BackupStatus, r => status[Number(r, 0)] = (r.GetString(1), Number(r, 2)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            await EndBackupAsync(new ScopeStart(scope, "0", _resetlogsScn), CancellationToken.None);
            throw new BackupException(Errors.OracleBackupModeNotConfirmed, $"Backup mode of {Describe(scope)} could not be confirmed in v$backup (it was ended again): {ex.Message}", scope.Name, ex);
        }

        var missing = files.Where(f => !status.TryGetValue(f.FileNumber, out var s) || s.Status != "ACTIVE").ToList();
        if (missing.Count > 0)
        {
            await EndBackupAsync(new ScopeStart(scope, "0", _resetlogsScn), CancellationToken.None);
            throw new BackupException(Errors.OracleBackupModeNotConfirmed, $"v$backup does not show these files ACTIVE after BEGIN BACKUP (backup mode was ended again): {string.Join(", ", missing.Select(f => f.Path))}.", scope.Name);
        }

        var starts = files.ToDictionary(f => f.SetPath, f => status[f.FileNumber].Scn.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        long first = files.Min(f => status[f.FileNumber].Scn);
        return new ScopeStart(scope, first.ToString(CultureInfo.InvariantCulture), _resetlogsScn) { FileStartPositions = starts };
    }

    public Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken) =>
        set.CopyAsync(
            [.. _scopeFiles[start.Scope.Name].Select(f => f.ToSource())],
            new OracleBlockVerifier(ScopeBlockSize(start.Scope), long.Parse(start.Position!, CultureInfo.InvariantCulture)),
            cancellationToken);

    public async Task<ScopeEnd> EndBackupAsync(ScopeStart start, CancellationToken cancellationToken)
    {
        string sql = EndSql(start.Scope);
        try
        {
            await _session.ExecuteAsync(sql, CancellationToken.None);
        }
        catch (Exception first) when (first is DbException or InvalidOperationException)
        {
            // The session may be gone (network, killed session): a new one can end backup mode just as well.
            try
            {
                await _session.ReconnectAsync();
                await _session.ExecuteAsync(sql, CancellationToken.None);
            }
            catch (Exception again) when (again is DbException or InvalidOperationException or BackupException)
            {
                var left = _scopeFiles[start.Scope.Name].Select(f => f.Tablespace).Distinct(StringComparer.Ordinal).Select(OracleSql.QuoteIdentifier).ToList();
                throw new BackupException(
                    Errors.EndBackupFailed,
                    $"BACKUP MODE WAS NOT ENDED: tablespace(s) {string.Join(", ", left)} of {_databaseName} are still in backup mode (ending it failed: {first.Message}; again on a new connection: {again.Message}). "
                    + $"End it now with: {sql}",
                    start.Scope.Name,
                    again);
            }
        }

        long scn = 0;
        try
        {
            await _session.QueryAsync(OracleStatements.CurrentScn, r => scn = Number(r, 0), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Backup mode is ended; only the session went away afterwards.
            await _session.ReconnectAsync();
            await _session.QueryAsync(OracleStatements.CurrentScn, r => scn = Number(r, 0), CancellationToken.None);
        }

        return new ScopeEnd(start.Scope, scn.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Every block was checked as it was copied.</summary>
    public Task CheckCopyAsync(BackupSetWriter set, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<RedoRange?> CollectRedoAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken)
    {
        set.Report("Collecting the archived logs");
        long startScn = starts.Min(s => long.Parse(s.Position!, CultureInfo.InvariantCulture));
        long endScn = ends.Max(e => long.Parse(e.Position!, CultureInfo.InvariantCulture));
        await _session.ExecuteAsync(OracleStatements.ArchiveLogCurrent, cancellationToken);

        _stagingPath = CreateStaging();
        string binary = Path.Combine(_stagingPath, "control.bkp");
        string trace = Path.Combine(_stagingPath, "control.trc");
        await _session.ExecuteAsync(OracleStatements.BackupControlfile(binary), cancellationToken);
        await _session.ExecuteAsync(OracleStatements.BackupControlfileToTrace(trace), cancellationToken);

        var logs = await ArchivedLogsAsync(startScn, endScn, cancellationToken);
        long lastNext = logs.Max(l => l.NextScn);
        // The controlfile backups travel with the redo: recovery needs both.
        SourceFile[] controlfiles = [new(binary, "controlfile/control.bkp") { Length = SizeOf(binary) }, new(trace, "controlfile/control.trc") { Length = SizeOf(trace) }];
        return new RedoRange(
            startScn.ToString(CultureInfo.InvariantCulture),
            endScn.ToString(CultureInfo.InvariantCulture),
            lastNext.ToString(CultureInfo.InvariantCulture),
            [.. logs.Select(l => new SourceFile(l.Path, l.SetPath) { Length = SizeOf(l.Path) }), .. controlfiles],
            SegmentSize: null)
        {
            RedoSequences = [.. logs.Select(l => l.Name)],
        };
    }

    /// <summary>STARTUP from the spfile needs nothing this provider could check beforehand.</summary>
    public Task EnsureColdBackupPossibleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var files = _datafiles.Select(d => d.ToSource()).ToList();
        var logs = new List<string>();
        var controls = new List<string>();
        await _session.QueryAsync(OracleStatements.Logfiles, r => logs.Add(r.GetString(0)), cancellationToken);
        await _session.QueryAsync(OracleStatements.Controlfiles, r => controls.Add(r.GetString(0)), cancellationToken);
        files.AddRange(logs.Select((p, i) => new SourceFile(p, $"redo/{i + 1:D2}_{Path.GetFileName(p)}") { Length = SizeOf(p) }));
        files.AddRange(controls.Select((p, i) => new SourceFile(p, $"controlfile/{i + 1:D2}_{Path.GetFileName(p)}") { Length = SizeOf(p) }));
        _coldFiles = files;
        cancellationToken.ThrowIfCancellationRequested();

        // Our own session would only be killed by SHUTDOWN IMMEDIATE: close it first.
        await _session.DisposeAsync();
        try
        {
            await Task.Run(() => new OracleInstanceControl(_factory, _session.ConnectionString).ShutdownImmediate(), CancellationToken.None);
        }
        catch (DbException ex)
        {
            throw new BackupException(Errors.DatabaseShutdownFailed, $"SHUTDOWN IMMEDIATE of {_databaseName} failed: {ex.Message}", null, ex);
        }
    }

    public Task CopyColdAsync(BackupSetWriter set, CancellationToken cancellationToken) =>
        set.CopyAsync(_coldFiles, new OracleBlockVerifier(_blockSize, backupStartScn: null), cancellationToken);

    public Task StartupAsync(CancellationToken cancellationToken) =>
        Task.Run(() => new OracleInstanceControl(_factory, _session.ConnectionString).Startup(), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _session.DisposeAsync();
        if (_stagingPath is not null && Directory.Exists(_stagingPath))
        {
            Directory.Delete(_stagingPath, recursive: true);
        }
    }

    private IReadOnlyList<BackupScope> ChooseScopes()
    {
        var tablespaces = _datafiles.Select(d => d.Tablespace).Distinct(StringComparer.Ordinal).ToList();
        if (_request.WholeDatabase)
        {
            if (_request.Tablespace.Count > 0)
            {
                throw new BackupException(Errors.OracleWholeDatabaseWithTablespace, $"{ParameterNames.Of(nameof(StartBackupRequest.WholeDatabase))} puts every tablespace in backup mode: it cannot be combined with {ParameterNames.Of(nameof(StartBackupRequest.Tablespace))}.");
            }

            _scopeFiles[WholeDatabaseScope] = _datafiles;
            return [new BackupScope(WholeDatabaseScope)];
        }

        var chosen = tablespaces;
        if (_request.Tablespace.Count > 0)
        {
            chosen = [.. _request.Tablespace.Select(OracleSql.NormalizeUserIdentifier).Distinct(StringComparer.Ordinal)];
            var unknown = chosen.Where(t => !tablespaces.Contains(t, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw new BackupException(Errors.OracleTablespaceNotFound, $"No such tablespace with datafiles in {_databaseName}: {string.Join(", ", unknown)} (there are: {string.Join(", ", tablespaces)}).", unknown[0]);
            }
        }

        foreach (string tablespace in chosen)
        {
            _scopeFiles[tablespace] = [.. _datafiles.Where(d => d.Tablespace == tablespace)];
        }

        return [.. chosen.Select(t => new BackupScope(t))];
    }

    private string BeginSql(BackupScope scope) =>
        scope.Name == WholeDatabaseScope && _request.WholeDatabase ? OracleStatements.DatabaseBeginBackup : OracleStatements.TablespaceBeginBackup(scope.Name);

    private string EndSql(BackupScope scope) =>
        scope.Name == WholeDatabaseScope && _request.WholeDatabase ? OracleStatements.DatabaseEndBackup : OracleStatements.TablespaceEndBackup(scope.Name);

    private string Describe(BackupScope scope) => scope.Name == WholeDatabaseScope && _request.WholeDatabase ? $"database {_databaseName}" : $"tablespace {OracleSql.QuoteIdentifier(scope.Name)}";

    private int ScopeBlockSize(BackupScope scope) =>
        _scopeFiles[scope.Name].Select(f => f.BlockSize).Distinct().ToList() is [int only] ? only : _blockSize;

    private async Task<IReadOnlyList<OracleDatafile>> ActiveFilesAsync(CancellationToken cancellationToken)
    {
        var active = new HashSet<long>();
        await _session.QueryAsync(OracleStatements.BackupStatus, r =>
        {
            if (r.GetString(1) == "ACTIVE")
            {
                active.Add(Number(r, 0));
            }
        }, cancellationToken);
        return [.. _datafiles.Where(d => active.Contains(d.FileNumber))];
    }

    private async Task<IReadOnlyList<OracleArchivedLog>> ArchivedLogsAsync(long startScn, long endScn, CancellationToken cancellationToken)
    {
        var logs = new List<OracleArchivedLog>();
        await _session.QueryAsync(
            OracleStatements.ArchivedLogs,
            r => logs.Add(new OracleArchivedLog(Number(r, 0), Number(r, 1), Number(r, 2), Number(r, 3), r.GetString(4))),
            cancellationToken,
            ("start_scn", startScn),
            ("end_scn", endScn));

        // Several archive destinations list a sequence once each: keep one copy that is on this host.
        var chosen = logs.GroupBy(l => (l.Thread, l.Sequence)).Select(g => g.FirstOrDefault(l => File.Exists(l.Path)) ?? g.First()).ToList();
        var problems = new List<string>();
        if (chosen.Count == 0)
        {
            problems.Add("v$archived_log lists none");
        }

        foreach (var thread in chosen.GroupBy(l => l.Thread))
        {
            var sequences = thread.OrderBy(l => l.Sequence).ToList();
            for (int i = 1; i < sequences.Count; i++)
            {
                if (sequences[i].Sequence != sequences[i - 1].Sequence + 1)
                {
                    problems.Add($"thread {thread.Key}: sequences {sequences[i - 1].Sequence + 1} to {sequences[i].Sequence - 1} are missing");
                }
            }
        }

        if (chosen.Count > 0 && (chosen.Min(l => l.FirstScn) > startScn || chosen.Max(l => l.NextScn) <= endScn))
        {
            problems.Add($"they hold SCN {chosen.Min(l => l.FirstScn)} to {chosen.Max(l => l.NextScn)}");
        }

        problems.AddRange(chosen.Where(l => !File.Exists(l.Path)).Select(l => $"{l.Path} is not on this host"));
        if (problems.Count > 0)
        {
            throw new BackupException(Errors.OracleArchivedLogsIncomplete, $"The archived logs do not cover the backup from SCN {startScn} to {endScn}: {string.Join("; ", problems)}.");
        }

        return chosen;
    }

    /// <summary>A folder in the repository (hidden from listings) where the database writes the controlfile backups, handed to the database's owner.</summary>
    private string CreateStaging()
    {
        string staging = TemporaryName.For(Path.Combine(Path.GetFullPath(_request.DestinationPath), "oracle-controlfile"));
        Directory.CreateDirectory(staging);
        UnixFileSystem.SetPermissions(staging, 0x1F8);
        if (UnixFileSystem.IsRoot && _datafiles.Count > 0 && UnixFileSystem.TryLstat(_datafiles[0].Path) is { } owner)
        {
            UnixFileSystem.SetOwner(staging, owner.UserId, owner.GroupId);
        }

        return staging;
    }

    private static long Number(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static string CommonFolder(IEnumerable<string> paths)
    {
        var folders = paths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p)) ?? "/").ToList();
        if (folders.Count == 0)
        {
            return "/";
        }

        string common = folders[0];
        foreach (string folder in folders.Skip(1))
        {
            while (!(folder + "/").StartsWith(common.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                common = Path.GetDirectoryName(common) ?? "/";
            }
        }

        return common;
    }
}
