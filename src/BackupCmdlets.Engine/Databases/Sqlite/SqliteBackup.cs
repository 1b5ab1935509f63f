using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// SQLite backups. Hot: SQLite's online backup API while a second connection holds the write lock
/// (BEGIN IMMEDIATE: readers go on, writers wait for the copy); written to a temporary name, checked
/// with PRAGMA integrity_check, then renamed. Cold: the database file and its journal/WAL copied under
/// an exclusive lock. Either way the set's StopTime is the moment the copy was taken, read just before
/// the lock is released: the copy holds every transaction committed before it and none begun after it
/// (writers go on while the copy is checked and hashed).
/// </summary>
internal static class SqliteBackup
{
    internal const string SetFolder = "database";

    public static async Task<BackupSet> RunHotAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        const string activity = "Hot backup";
        var started = DateTimeOffset.UtcNow;
        string source = DatabasePath(request.ConnectionString, request.WorkingDirectory);
        BackupSetFolder.EnsureOutside(request.DestinationPath, [source]);
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, DatabaseEngine.Sqlite, BackupKind.Hot, started);
        var (setPath, setId) = (setFolder.Path, setFolder.SetId);
        string name = Path.GetFileName(source);
        string folder = Directory.CreateDirectory(Path.Combine(setPath, SetFolder)).FullName;
        string final = Path.Combine(folder, name);
        string temporary = TemporaryName.For(final);
        DatabaseDescription description;
        DateTimeOffset copied;
        try
        {
            // The backup API refuses a source connection that is itself in a write transaction, so
            // a second connection holds the write lock while the first one copies.
            await using (var writeLock = Open(source, SqliteOpenMode.ReadWrite))
            await using (var connection = Open(source, SqliteOpenMode.ReadOnly))
            {
                description = Describe(connection, source);
                progress?.Report(new OperationProgress(activity, "Taking the write lock", source));
                Execute(writeLock, "BEGIN IMMEDIATE");
                try
                {
                    await using var destination = Open(temporary, SqliteOpenMode.ReadWriteCreate);
                    progress?.Report(new OperationProgress(activity, "Copying with the online backup API", source));
                    cancellationToken.ThrowIfCancellationRequested();
                    connection.BackupDatabase(destination);
                    copied = DateTimeOffset.UtcNow;
                    progress?.Report(new OperationProgress(activity, "Copied", source, BytesDone: new FileInfo(temporary).Length));
                }
                finally
                {
                    Execute(writeLock, "ROLLBACK");
                }
            }

            progress?.Report(new OperationProgress(activity, "Checking integrity", final));
            CheckIntegrity(temporary);
            File.Move(temporary, final);
            UnixFileSystem.FlushDirectory(folder);
        }
        finally
        {
            // The copy's side files too: the integrity check opens it read-only, and a read-only
            // connection to a WAL database leaves its (empty) -wal and -shm behind.
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(temporary + suffix);
            }
        }

        var file = Hash(setPath, $"{SetFolder}/{name}");
        var manifest = new BackupSetManifest
        {
            SetId = setId,
            Engine = DatabaseEngine.Sqlite,
            Kind = BackupKind.Hot,
            Status = BackupSetStatus.Complete,
            Label = request.Label,
            Database = description,
            StartTime = started,
            StopTime = copied,
            Directories = [new ManifestDirectory(SetFolder, 0x1ED)],
            Files = [file],
            BlockChecks = BlockCheckSummary.None,
        };
        return DatabaseBackupRunner.Finish(setPath, manifest);
    }

    public static async Task<BackupSet> RunColdAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        const string activity = "Cold backup";
        var started = DateTimeOffset.UtcNow;
        string source = DatabasePath(request.ConnectionString, request.WorkingDirectory);
        BackupSetFolder.EnsureOutside(request.DestinationPath, [source]);
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, DatabaseEngine.Sqlite, BackupKind.Cold, started);
        var (setPath, setId) = (setFolder.Path, setFolder.SetId);
        var copier = new SetFileCopier(setPath, 1, progress, activity);
        DatabaseDescription description;
        DateTimeOffset copied;
        await using (var connection = Open(source, SqliteOpenMode.ReadWrite))
        {
            description = Describe(connection, source);
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            progress?.Report(new OperationProgress(activity, "Taking the exclusive lock", source));
            Execute(connection, "BEGIN EXCLUSIVE");
            try
            {
                var files = new[] { "", "-wal", "-journal" }
                    .Select(suffix => source + suffix)
                    .Where(File.Exists)
                    .Select(path => new SourceFile(path, $"{SetFolder}/{Path.GetFileName(path)}") { Length = new FileInfo(path).Length })
                    .Prepend(new SourceFile(Path.GetDirectoryName(source)!, SetFolder, IsDirectory: true))
                    .ToList();
                await copier.CopyAsync(files, null, cancellationToken);
                copied = DateTimeOffset.UtcNow;
            }
            finally
            {
                Execute(connection, "ROLLBACK");
            }
        }

        var manifest = new BackupSetManifest
        {
            SetId = setId,
            Engine = DatabaseEngine.Sqlite,
            Kind = BackupKind.Cold,
            Status = BackupSetStatus.Complete,
            Label = request.Label,
            Database = description,
            StartTime = started,
            StopTime = copied,
            Directories = copier.Directories,
            Files = copier.Files,
            BlockChecks = BlockCheckSummary.None,
        };
        return DatabaseBackupRunner.Finish(setPath, manifest);
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
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 60000";
        busy.ExecuteNonQuery();
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

    private static DatabaseDescription Describe(SqliteConnection connection, string path)
    {
        string version = Scalar(connection, "SELECT sqlite_version()");
        int pageSize = int.Parse(Scalar(connection, "PRAGMA page_size"), System.Globalization.CultureInfo.InvariantCulture);
        return new DatabaseDescription(DatabaseEngine.Sqlite, path, version, path, pageSize, false);
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

    private static ManifestFile Hash(string setPath, string relative)
    {
        string full = Path.Combine(setPath, relative);
        using var stream = File.OpenRead(full);
        return new ManifestFile(relative, stream.Length, Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant(), UnixFileSystem.Lstat(full).Permissions);
    }
}
