using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite, one database file as one scope. Hot: SQLite's online backup
/// API while a second connection holds the write lock (BEGIN IMMEDIATE: readers go on, writers wait for
/// the copy), written to a temporary name; once the lock is released, checked with PRAGMA
/// integrity_check and renamed. Cold: the database file and its journal/WAL copied under an exclusive
/// lock. Either way the set's StopTime is the moment the copy was taken, read just before the lock is
/// released: the copy holds every transaction committed before it and none begun after it (writers go
/// on while the copy is checked and hashed). Sets are plain files whatever the format asked for.
/// </summary>
internal sealed class SqliteProvider(StartBackupRequest request) : IHotBackupProvider, IColdBackupProvider
{
    private const string SetFolder = "database";
    private string? _source;
    private SqliteConnection? _lock;
    private SqliteConnection? _reader;
    private string? _temporary;
    private string? _final;

    public IReadOnlyList<TablespaceEntry> Tablespaces => [];

    public IReadOnlyList<BackupScope> Scopes { get; } = [new(SetFolder)];

    public (string Begin, string End) ColdStatus => ("Taking the exclusive lock", "Releasing the exclusive lock");

    private string Source => _source ?? throw new InvalidOperationException("OpenAsync first.");

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        _source = DatabasePath(request.ConnectionString, request.WorkingDirectory);
        await using var connection = Open(_source, SqliteOpenMode.ReadOnly);
        string version = Scalar(connection, "SELECT sqlite_version()");
        int pageSize = int.Parse(Scalar(connection, "PRAGMA page_size"), System.Globalization.CultureInfo.InvariantCulture);
        return new DatabaseDescription(DatabaseEngine.Sqlite, _source, version, _source, pageSize, BlockChecksums: false);
    }

    /// <summary>SQLite needs neither archiving nor anything else to be copied hot.</summary>
    public Task EnsureHotBackupPossibleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public (string Begin, string End, string Ended) ScopeStatus(BackupScope scope) => ("Taking the write lock", "Releasing the write lock", "Write lock released");

    public Task<ScopeStart> BeginBackupAsync(BackupScope scope, string label, CancellationToken cancellationToken)
    {
        // The backup API refuses a source connection that is itself in a write transaction, so a
        // second connection holds the write lock while the first one copies.
        _reader = Open(Source, SqliteOpenMode.ReadOnly);
        TakeLock("BEGIN IMMEDIATE");
        return Task.FromResult(new ScopeStart(scope));
    }

    public async Task CopyAsync(ScopeStart start, BackupSetWriter set, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(Source);
        _final = Path.Combine(set.CreateDirectory(SetFolder, 0x1ED), name);
        _temporary = TemporaryName.For(_final);
        await using var destination = Open(_temporary, SqliteOpenMode.ReadWriteCreate);
        set.Report("Copying with the online backup API", Source);
        cancellationToken.ThrowIfCancellationRequested();
        (_reader ?? throw new InvalidOperationException("BeginBackupAsync first.")).BackupDatabase(destination);
        set.MarkTaken();
        set.Report("Copied", Source, new FileInfo(_temporary).Length);
    }

    public async Task<ScopeEnd> EndBackupAsync(ScopeStart start, CancellationToken cancellationToken)
    {
        await UnlockAsync();
        return new ScopeEnd(start.Scope);
    }

    public Task CheckCopyAsync(BackupSetWriter set, CancellationToken cancellationToken)
    {
        if (_temporary is null || _final is null)
        {
            throw new InvalidOperationException("CopyAsync first.");
        }

        try
        {
            set.Report("Checking integrity", _final);
            CheckIntegrity(_temporary);
            File.Move(_temporary, _final);
            UnixFileSystem.FlushDirectory(Path.GetDirectoryName(_final)!);
        }
        finally
        {
            // The copy's side files too: the integrity check opens it read-only, and a read-only
            // connection to a WAL database leaves its (empty) -wal and -shm behind.
            DeleteTemporaryCopy();
        }

        set.AddWritten($"{SetFolder}/{Path.GetFileName(_final)}", cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>SQLite keeps no redo: the copy is whole by itself.</summary>
    public Task<RedoRange?> CollectRedoAsync(IReadOnlyList<ScopeStart> starts, IReadOnlyList<ScopeEnd> ends, BackupSetWriter set, CancellationToken cancellationToken) =>
        Task.FromResult<RedoRange?>(null);

    /// <summary>Nothing can stop a later start: SQLite is only locked, never shut down.</summary>
    public Task EnsureColdBackupPossibleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>SQLite is not shut down: after a checkpoint empties the WAL, an exclusive lock keeps every other connection off the file instead.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        TakeLock("PRAGMA wal_checkpoint(TRUNCATE)", "BEGIN EXCLUSIVE");
        return Task.CompletedTask;
    }

    public async Task CopyColdAsync(BackupSetWriter set, CancellationToken cancellationToken)
    {
        var files = new[] { "", "-wal", "-journal" }
            .Select(suffix => Source + suffix)
            .Where(File.Exists)
            .Select(path => new SourceFile(path, $"{SetFolder}/{Path.GetFileName(path)}") { Length = new FileInfo(path).Length })
            .Prepend(new SourceFile(Path.GetDirectoryName(Source)!, SetFolder, IsDirectory: true))
            .ToList();
        await set.CopyPlainAsync(files, null, cancellationToken);
        set.MarkTaken();
    }

    /// <summary>Releases the exclusive lock.</summary>
    public Task StartupAsync(CancellationToken cancellationToken) => UnlockAsync();

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        DeleteTemporaryCopy();
    }

    /// <summary>The database file named by the connection string's Data Source (a relative one from <paramref name="workingDirectory"/>); it must exist.</summary>
    internal static string DatabasePath(string connectionString, string? workingDirectory)
    {
        string dataSource;
        try
        {
            dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        catch (ArgumentException)
        {
            dataSource = "";
        }

        if (dataSource.Length == 0 || dataSource == ":memory:")
        {
            throw new BackupException(Errors.InvalidConnectionString, "The SQLite connection string must name a database file (Data Source=/path/to/file.db).");
        }

        string path = Path.GetFullPath(dataSource, workingDirectory ?? Environment.CurrentDirectory);
        if (!File.Exists(path))
        {
            throw new BackupException(Errors.SqliteDatabaseNotFound, $"There is no SQLite database at '{path}'.", path);
        }

        return path;
    }

    internal static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 60 };
        var connection = new SqliteConnection(builder.ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 60000");
        return connection;
    }

    internal static void CheckIntegrity(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        if (lines is not ["ok"])
        {
            throw new BackupException(Errors.SqliteIntegrityCheckFailed, $"PRAGMA integrity_check on the copy failed: {string.Join("; ", lines.Take(5))}", path);
        }
    }

    /// <summary>Opens the connection that holds the lock and runs <paramref name="statements"/> on it, the last of them the BEGIN that takes it.</summary>
    private void TakeLock(params string[] statements)
    {
        var connection = Open(Source, SqliteOpenMode.ReadWrite);
        try
        {
            foreach (string sql in statements)
            {
                Execute(connection, sql);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _lock = connection;
    }

    /// <summary>Ends the lock's transaction (nothing was written through it) and closes the connections.</summary>
    private async Task UnlockAsync()
    {
        try
        {
            if (_lock is not null)
            {
                Execute(_lock, "ROLLBACK");
            }
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Closes the connections; closing the lock's connection also ends its transaction.</summary>
    private async Task CloseAsync()
    {
        foreach (var connection in new[] { _lock, _reader }.OfType<SqliteConnection>())
        {
            await connection.DisposeAsync();
        }

        (_lock, _reader) = (null, null);
    }

    private void DeleteTemporaryCopy()
    {
        if (_temporary is not null)
        {
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(_temporary + suffix);
            }
        }
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
