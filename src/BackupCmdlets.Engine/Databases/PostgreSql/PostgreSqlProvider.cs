using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Catalog;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// PostgreSQL through Npgsql, data directory on this host. Before anything is copied or stopped, the
/// role's privileges are checked for everything the backup will call and read. Hot (from a primary
/// only): one held session runs pg_backup_start / pg_backup_stop (the non-exclusive low-level API), the
/// WAL comes from the archive, each segment checked. Cold: pg_ctl stop -m fast / start, as it was started.
/// </summary>
internal sealed partial class PostgreSqlProvider : IIncrementalBackupProvider, IColdBackupProvider
{
    private static readonly BackupScope Cluster = new("cluster");
    private readonly StartBackupRequest _request;
    private readonly BackupKind _kind;
    private NpgsqlConnection? _session;
    private NpgsqlConnection? _primary;
    private ServerSettings? _settings;
    private ServerSettings? _primarySettings;
    private ServerControl? _control;
    private string? _walArchive;
    private byte[]? _archiveKey;
    private long _archiveFailuresBefore;

    public PostgreSqlProvider(StartBackupRequest request, BackupKind kind)
    {
        _request = request;
        _kind = kind;
    }

    public IReadOnlyList<TablespaceEntry> Tablespaces { get; private set; } = [];

    public IReadOnlyList<BackupScope> Scopes { get; } = [Cluster];

    private ServerSettings Settings => _settings ?? throw new InvalidOperationException("OpenAsync first.");

    /// <summary>The server that archives the WAL and switches segments: the primary of a standby backup, else the one backed up.</summary>
    private NpgsqlConnection ArchivingSession => _primary ?? _session!;

    private ServerSettings ArchivingSettings => _primarySettings ?? Settings;

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        _session = await ConnectAsync(_request.ConnectionString, _request.Credential, cancellationToken);
        await BackupPrivileges.EnsureAsync(_session, _kind, cancellationToken);
        _settings = await ServerSettings.ReadAsync(_session, cancellationToken);
        if (!Directory.Exists(_settings.DataDirectory))
        {
            throw new BackupException(
                Errors.DataDirectoryNotFound,
                $"The server's data directory '{_settings.DataDirectory}' is not on this host (or not readable): a file-level backup must run where the data directory is.",
                _settings.DataDirectory);
        }

        if (_request.FromStandby && _kind == BackupKind.Hot)
        {
            await OpenPrimaryAsync(_settings, cancellationToken);
        }

        Tablespaces = [.. _settings.Tablespaces.Select(t => new TablespaceEntry(t.Oid, t.Name, t.Location, "tablespaces/" + t.Oid))];
        return new DatabaseDescription(DatabaseEngine.PostgreSql, _settings.SystemIdentifier, _settings.ServerVersion, _settings.DataDirectory, _settings.BlockSize, _settings.DataChecksums);
    }

    /// <summary>-FromStandby: the server backed up must be a standby, and the primary named the primary of its cluster.</summary>
    private async Task OpenPrimaryAsync(ServerSettings standby, CancellationToken cancellationToken)
    {
        if (!standby.InRecovery)
        {
            throw new BackupException(Errors.StandbyNotOfPrimary, $"{ParameterNames.Of(nameof(StartBackupRequest.FromStandby))} was given, but the server is not a standby (it is not in recovery): back it up without it.", standby.DataDirectory);
        }

        string primary = _request.PrimaryConnectionString
            ?? throw new BackupException(Errors.PrimaryConnectionRequired, $"{ParameterNames.Of(nameof(StartBackupRequest.FromStandby))} needs {ParameterNames.Of(nameof(StartBackupRequest.PrimaryConnectionString))}: the primary switches to a new WAL segment so the backup's last one is archived.");
        _primary = await ConnectAsync(primary, _request.Credential, cancellationToken);
        await BackupPrivileges.EnsureAsync(_primary, _kind, cancellationToken);
        _primarySettings = await ServerSettings.ReadAsync(_primary, cancellationToken);
        if (_primarySettings.InRecovery || _primarySettings.SystemIdentifier != standby.SystemIdentifier)
        {
            throw new BackupException(
                Errors.StandbyNotOfPrimary,
                _primarySettings.InRecovery
                    ? $"The server {ParameterNames.Of(nameof(StartBackupRequest.PrimaryConnectionString))} names is in recovery itself: name the primary."
                    : $"The server {ParameterNames.Of(nameof(StartBackupRequest.PrimaryConnectionString))} names is another cluster (system identifier {_primarySettings.SystemIdentifier}; the standby's is {standby.SystemIdentifier}).",
                standby.DataDirectory);
        }
    }

    /// <summary>Opens a session; the password (from the connection string or the credential) never appears in an error.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync(string connectionString, NetworkCredential? credential, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            throw new BackupException(Errors.InvalidConnectionString, "The PostgreSQL connection string is not valid (keywords such as Host, Port, Username, Database).");
        }

        if (credential is not null)
        {
            if (!string.IsNullOrEmpty(credential.UserName))
            {
                builder.Username = credential.UserName;
            }

            builder.Password = credential.Password;
        }

        builder.Pooling = false;
        builder.ApplicationName ??= "BackupCmdlets";
        builder.CommandTimeout = 0;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new BackupException(
                Errors.DatabaseConnectionFailed,
                $"Cannot connect to PostgreSQL at {builder.Host}:{builder.Port} as '{builder.Username}': {ex.Message}",
                builder.Host,
                ex);
        }
    }

    public async Task EnsureHotBackupPossibleAsync(CancellationToken cancellationToken)
    {
        if (Settings.InRecovery && _primary is null)
        {
            // A standby cannot switch WAL segments or name the one a position is in (pg_switch_wal,
            // pg_walfile_name), and archives nothing unless archive_mode = always: its primary must.
            throw new BackupException(
                Errors.StandbyBackupNotSupported,
                $"The server is a standby (it is in recovery): connect to the primary and run the backup there, or copy from this standby with {ParameterNames.Of(nameof(StartBackupRequest.FromStandby))} and {ParameterNames.Of(nameof(StartBackupRequest.PrimaryConnectionString))}.",
                Settings.DataDirectory);
        }

        var settings = ArchivingSettings;

        if (settings.WalLevel == "minimal")
        {
            throw new BackupException(
                Errors.WalLevelMinimal,
                "wal_level is 'minimal': the WAL does not hold what a hot backup needs. Set wal_level = replica (or logical) and restart the server.",
                settings.DataDirectory);
        }

        bool archiving = settings.ArchiveMode is "on" or "always"
            && (settings.ArchiveLibrary.Length > 0 || settings.ArchiveCommand.Length > 0 && settings.ArchiveCommand != "(disabled)");
        if (!archiving)
        {
            throw new BackupException(
                Errors.WalArchivingOff,
                $"WAL archiving is off (archive_mode = '{settings.ArchiveMode}'): without the archived WAL a hot copy cannot be made consistent. Set archive_mode = on and an archive_command, and restart the server.",
                settings.DataDirectory);
        }

        _walArchive = _request.WalArchivePath ?? ArchiveFolderFrom(settings.ArchiveCommand);
        if (_walArchive is null || !Directory.Exists(_walArchive))
        {
            throw new BackupException(
                Errors.WalArchiveNotFound,
                _walArchive is null
                    ? $"The WAL archive folder cannot be read from archive_command: name it with {ParameterNames.Of(nameof(StartBackupRequest.WalArchivePath))}."
                    : $"The WAL archive folder '{_walArchive}' does not exist.",
                _walArchive);
        }

        // An encrypted archive is read with the set's own secret: refused now, before any copy, without it or with another.
        _archiveKey = WalArchiveEncryption.KeyToRead(_walArchive, EncryptionSecret.From(_request.EncryptionKey, _request.EncryptionKeyFile is { } keyFile ? Path.GetFullPath(keyFile) : null), mustBeEncrypted: false);
        _archiveFailuresBefore = (await ArchiverStatus.ReadAsync(ArchivingSession, cancellationToken)).FailedCount;
    }

    public async Task<ScopeStart> BeginBackupAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        if (_primary is not null)
        {
            return await BeginOnStandbyAsync(scope, label, cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand("SELECT lsn::text, pg_walfile_name(lsn) FROM pg_backup_start($1, true) AS lsn", _session);
            command.Parameters.AddWithValue(label);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            string lsn = reader.GetString(0);
            long timeline = long.Parse(reader.GetString(1)[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return new ScopeStart(scope, lsn, timeline);
        }
        catch (PostgresException ex)
        {
            throw new BackupException(Errors.BackupStartFailed, $"pg_backup_start failed: {ex.MessageText}", Settings.DataDirectory);
        }
    }

    /// <summary>
    /// Backup mode on a standby: the primary checkpoints first and the standby replays that checkpoint,
    /// so the restartpoint pg_backup_start makes there (its start position) is recent and the WAL the
    /// set needs is short. A role that may not CHECKPOINT the primary gets the standby's last restartpoint.
    /// </summary>
    private async Task<ScopeStart> BeginOnStandbyAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await using var checkpoint = new NpgsqlCommand("CHECKPOINT", _primary);
                await checkpoint.ExecuteNonQueryAsync(cancellationToken);
                await using var position = new NpgsqlCommand("SELECT checkpoint_lsn::text FROM pg_control_checkpoint()", _primary);
                var target = Lsn.Parse((string)(await position.ExecuteScalarAsync(cancellationToken))!);
                await WaitForReplayAsync(target, cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
            }

            string lsn;
            await using (var start = new NpgsqlCommand("SELECT pg_backup_start($1, true)::text", _session))
            {
                start.Parameters.AddWithValue(label);
                lsn = (string)(await start.ExecuteScalarAsync(cancellationToken))!;
            }

            // The timeline of the restartpoint the backup starts at (pg_walfile_name is not allowed during recovery).
            await using var timeline = new NpgsqlCommand("SELECT timeline_id FROM pg_control_checkpoint()", _session);
            return new ScopeStart(scope, lsn, Convert.ToInt64(await timeline.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture));
        }
        catch (PostgresException ex)
        {
            throw new BackupException(Errors.BackupStartFailed, $"pg_backup_start on the standby failed: {ex.MessageText}", Settings.DataDirectory);
        }
    }

    /// <summary>Waits until the standby has replayed <paramref name="target"/>, for at most the request's ArchiveTimeout.</summary>
    private async Task WaitForReplayAsync(Lsn target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn()::text", _session);
            if (await command.ExecuteScalarAsync(cancellationToken) is string replayed && Lsn.Parse(replayed) >= target)
            {
                return;
            }

            if (clock.Elapsed.TotalSeconds > _request.ArchiveTimeout)
            {
                throw new BackupException(
                    Errors.BackupStartFailed,
                    $"The standby has not replayed the primary's checkpoint at {target} within {_request.ArchiveTimeout} s: is it streaming or restoring WAL?",
                    Settings.DataDirectory);
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken) =>
        set.CopyAsync(ListAll(hot: true), Settings.DataChecksums ? new PageVerifier(Settings.BlockSize, Lsn.Parse(start.Position!)) : null, cancellationToken);

    public IPageChangeTest? ChangeTestSince(ScopeStart start, BackupSetManifest parent, out string? reason)
    {
        var begun = Lsn.Parse(start.Position!);
        if (parent.StartPosition is null || parent.StopPosition is null || parent.Timeline is not { } parentTimeline)
        {
            reason = $"the set {parent.SetId} records no WAL positions to compare pages with";
            return null;
        }

        var parentStop = Lsn.Parse(parent.StopPosition);
        if (start.Timeline == parentTimeline && begun < parentStop)
        {
            reason = $"the cluster's WAL position {begun} is before the end {parentStop} of the set {parent.SetId}: it was put back to an older copy since";
            return null;
        }

        bool branchedAfterParent = start.Timeline == parentTimeline
            || TimelineHistory.BranchPoint(Settings.DataDirectory, start.Timeline!.Value, parentTimeline) is { } branch && branch >= parentStop;
        if (!branchedAfterParent)
        {
            reason = $"the cluster's timeline {start.Timeline} did not branch from timeline {parentTimeline} after the set {parent.SetId} ended (a point-in-time recovery to before it, or a history file missing from pg_wal)";
            return null;
        }

        reason = null;
        return new ChangedPageTest(Lsn.Parse(parent.StartPosition));
    }

    public async Task<ScopeEnd> EndBackupAsync(ScopeStart start, CancellationToken cancellationToken)
    {
        try
        {
            // wait_for_archive => false: the server would wait for the archive in whole-second sleeps;
            // CollectRedoAsync waits for the same segments (and one more) by polling pg_stat_archiver.
            await using var command = new NpgsqlCommand("SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)", _session);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var files = new Dictionary<string, string> { ["data/backup_label"] = reader.GetString(1) };
            string map = reader.IsDBNull(2) ? "" : reader.GetString(2);
            if (map.Length > 0)
            {
                files["data/tablespace_map"] = map;
            }

            return new ScopeEnd(start.Scope, reader.GetString(0)) { GeneratedFiles = files };
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new BackupException(
                Errors.EndBackupFailed,
                $"pg_backup_stop failed for the {start.Scope.Name}: {ex.Message}. If the session that began the backup was lost, the server ended its backup mode with it; the copy has no backup_label and cannot be used.",
                start.Scope.Name,
                ex);
        }
    }

    /// <summary>Every page was checked as it was copied.</summary>
    public Task CheckCopyAsync(BackupSetWriter set, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<RedoRange?> CollectRedoAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken)
    {
        set.Report("Collecting WAL");
        var start = Lsn.Parse(starts[0].Position!);
        var stop = Lsn.Parse(ends[0].Position!);
        long timeline = starts[0].Timeline!.Value;

        // pg_backup_stop switched to a new segment; switch once more so every transaction committed
        // before it returned is in an archived segment too, then wait until the archive has them all
        // (segments are archived in order, so the last one archived means every earlier one is).
        Lsn end;
        await using (var command = new NpgsqlCommand("SELECT pg_switch_wal()::text", ArchivingSession))
        {
            end = Lsn.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!);
        }

        var last = WalSegments.Before(end) > stop ? WalSegments.Before(end) : stop;
        string lastName = WalSegments.NameFor(timeline, last, Settings.WalSegmentSize);
        await WaitForArchiveAsync(lastName, cancellationToken);
        var files = new List<SourceFile>();
        foreach (string name in WalSegments.Covering(timeline, start, last, Settings.WalSegmentSize))
        {
            files.Add(ArchivedFile(name));
        }

        string startSegment = WalSegments.NameFor(timeline, start, Settings.WalSegmentSize);
        string offset = (start.Value % (ulong)Settings.WalSegmentSize).ToString("X8", CultureInfo.InvariantCulture);
        string history = $"{startSegment}.{offset}.backup";
        if (WalArchiveFormat.Find(_walArchive!, history, _archiveKey is not null) is not null)
        {
            files.Add(ArchivedFile(history));
        }

        string timelineHistory = $"{timeline:X8}.history";
        if (timeline > 1 && WalArchiveFormat.Find(_walArchive!, timelineHistory, _archiveKey is not null) is not null)
        {
            files.Add(ArchivedFile(timelineHistory));
        }

        return new RedoRange(start.ToString(), stop.ToString(), last.ToString(), files, Settings.WalSegmentSize) { Archive = _walArchive };
    }

    public async Task EnsureColdBackupPossibleAsync(CancellationToken cancellationToken)
    {
        _control = ServerControl.For(Settings.DataDirectory, Settings.ServerVersionNumber);
        await _control.EnsureStartableAsync(cancellationToken);
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var control = _control ?? throw new InvalidOperationException("EnsureColdBackupPossibleAsync first.");
        _session?.Dispose();
        _session = null;
        return control.StopAsync(cancellationToken);
    }

    public Task CopyColdAsync(BackupSetWriter set, CancellationToken cancellationToken) =>
        set.CopyAsync(ListAll(hot: false), Settings.DataChecksums ? new PageVerifier(Settings.BlockSize, new Lsn(ulong.MaxValue)) : null, cancellationToken);

    public Task StartupAsync(CancellationToken cancellationToken) =>
        (_control ?? throw new InvalidOperationException("ShutdownAsync first.")).StartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }

    private IReadOnlyList<SourceFile> ListAll(bool hot)
    {
        var settings = Settings;
        var files = new List<SourceFile>(DataDirectoryScan.Scan(settings.DataDirectory, "data", hot, settings.BlockSize, settings.SegmentBlocks, settings.DataChecksums));
        foreach (var tablespace in Tablespaces)
        {
            files.AddRange(DataDirectoryScan.Scan(tablespace.Location, tablespace.SetPath, hot, settings.BlockSize, settings.SegmentBlocks, settings.DataChecksums));
        }

        return files;
    }

    /// <summary>The archived file <paramref name="name"/>, plain or compressed (Backup-WalSegment's .zst, a .gz); the set takes its plain content.</summary>
    private SourceFile ArchivedFile(string name)
    {
        if (WalArchiveFormat.Find(_walArchive!, name, _archiveKey is not null) is not { } path)
        {
            throw new BackupException(Errors.WalSegmentNotArchived, $"WAL file {name} is not in the archive '{_walArchive}'.", Path.Combine(_walArchive!, name));
        }

        if (WalSegments.TryParse(name, Settings.WalSegmentSize, out _, out _)
            && WalSegmentCheck.Problem(path, name, Settings.WalSegmentSize, Settings.ServerVersion, Settings.SystemIdentifier, () => StoredRedo.OpenRead(path, _archiveKey)) is { } problem)
        {
            throw new BackupException(
                Errors.WalSegmentInvalid,
                $"WAL segment {name} in the archive '{_walArchive}' is not a whole segment of this cluster: {problem}. Recovery could not use it; check that archive_command copies whole files.",
                path);
        }

        return new SourceFile(path, "wal/" + name) { Length = new FileInfo(path).Length, ArchiveKey = _archiveKey };
    }

    /// <summary>
    /// Waits until the archiver has archived <paramref name="segment"/> and it is in the archive folder.
    /// Fails at once when pg_stat_archiver shows archive_command failing since the backup began (a round
    /// of failed attempts with no success after them); otherwise after the request's ArchiveTimeout,
    /// telling a segment the server has not archived yet from one it archived somewhere else.
    /// </summary>
    private async Task WaitForArchiveAsync(string segment, CancellationToken cancellationToken)
    {
        string seconds = _request.ArchiveTimeout.ToString(CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await ArchiverStatus.ReadAsync(ArchivingSession, cancellationToken);
            bool archived = status.HasArchived(segment);
            if (archived && WalArchiveFormat.Find(_walArchive!, segment, _archiveKey is not null) is not null)
            {
                return;
            }

            long failures = status.FailedCount - _archiveFailuresBefore;
            if (!archived && status.Failing && failures >= ArchiverStatus.AttemptsPerRound)
            {
                throw new BackupException(
                    Errors.WalArchivingFailed,
                    string.Create(CultureInfo.InvariantCulture, $"archive_command is failing: pg_stat_archiver shows {failures} failed attempts since the backup began, the last at {status.LastFailedTime:u} for {status.LastFailedWal}, and no success since. WAL segment {segment}, which the set needs, is not in the archive '{_walArchive}'. The server log has the command's error."),
                    _walArchive);
            }

            if (clock.Elapsed >= TimeSpan.FromSeconds(_request.ArchiveTimeout))
            {
                throw archived
                    ? new BackupException(
                        Errors.WalSegmentNotInArchive,
                        $"The server archived WAL segment {segment} (pg_stat_archiver: last archived '{status.LastArchivedWal}'), but it was not in '{_walArchive}' within {seconds} s: archive_command puts the WAL somewhere else. Name that folder with {ParameterNames.Of(nameof(StartBackupRequest.WalArchivePath))}.",
                        _walArchive)
                    : new BackupException(
                        Errors.WalSegmentNotArchived,
                        $"WAL segment {segment} did not reach the archive '{_walArchive}' within {seconds} s (pg_stat_archiver: last archived '{status.LastArchivedWal}', last failed '{status.LastFailedWal}'): the archiver is behind or stuck. Check archive_command, or allow more time with {ParameterNames.Of(nameof(StartBackupRequest.ArchiveTimeout))}.",
                        _walArchive);
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// The folder of an archive_command such as <c>cp %p /archive/%f</c> or <c>test ! -f "/a/%f" &amp;&amp; cp "%p" "/a/%f"</c>,
    /// or one that calls Backup-WalSegment: <c>backupcmdlets backup-walsegment --path %p --archive-path /a</c>, or the cmdlet with <c>-ArchivePath</c>.
    /// </summary>
    internal static string? ArchiveFolderFrom(string archiveCommand)
    {
        if (WalArchiveOption().Match(archiveCommand) is { Success: true } ours)
        {
            return ours.Groups["dir"].Value;
        }

        var match = ArchiveTarget().Match(archiveCommand);
        return match.Success ? match.Groups["dir"].Value : null;
    }

    [GeneratedRegex("""backup-walsegment\b.*?(?:--archive-path|-ArchivePath)(?:\s+|=)(?:"(?<dir>/[^"]*)"|'(?<dir>/[^']*)'|(?<dir>/[^\s"';]+))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WalArchiveOption();

    [GeneratedRegex("""(?:^|\s)["']?(?<dir>/[^\s"'%]*)/%f["']?\s*$""")]
    private static partial Regex ArchiveTarget();
}
