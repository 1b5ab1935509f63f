using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// Puts an SQLite export back as the database file the connection string's Data Source names: the
/// exported file, or a new database the SQL dump was run into, written under a temporary name, then
/// renamed over it, and checked with PRAGMA integrity_check. A file there
/// that is not empty is replaced only with -Force; its stale -wal/-shm/-journal go with it, so they
/// cannot be replayed into the new file.
/// </summary>
internal static class SqliteImport
{
    public static async Task<ImportResult> ImportAsync(string setPath, BackupSetManifest manifest, ManifestExport export, ImportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string target = TargetPath(request);
        if (new FileInfo(target) is { Exists: true, Length: > 0 } && !request.Force)
        {
            throw new BackupException(Errors.ImportTargetNotEmpty, $"'{target}' already exists and is not empty: give {ParameterNames.Of(nameof(ImportDatabaseRequest.Force))} to replace it.", target);
        }

        var file = manifest.Files.Single(f => f.Path == export.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (export.Format == ManifestExport.SqliteSqlDump)
        {
            progress?.Report(new OperationProgress("Import-Database", "Running the SQL dump", target));
            await CreateFromDumpAsync(Path.Combine(setPath, file.Path), target, cancellationToken);
        }
        else
        {
            progress?.Report(new OperationProgress("Import-Database", "Copying the database", target));
            using var writer = AtomicFileWriter.Create(target, preallocate: file.Size);
            await using (var input = File.OpenRead(Path.Combine(setPath, file.Path)))
            {
                await input.CopyToAsync(writer.Stream, cancellationToken);
            }

            RemoveSideFiles(target);
            writer.Commit(overwrite: true, beforeRename: temporary => UnixFileSystem.SetPermissions(temporary, file.Mode));
        }

        SqliteProvider.CheckIntegrity(target);
        return new ImportResult(setPath, manifest.SetId, DatabaseEngine.Sqlite, target, false, 1, file.Size, clock.Elapsed);
    }

    /// <summary>Runs the dump into a new database under a temporary name, which then replaces the target.</summary>
    private static async Task CreateFromDumpAsync(string dump, string target, CancellationToken cancellationToken)
    {
        string temporary = TemporaryName.For(target);
        try
        {
            await using (var connection = SqliteProvider.Open(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = await File.ReadAllTextAsync(dump, cancellationToken);
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (SqliteException ex)
                {
                    throw new BackupException(Errors.ImportFailed, $"The SQL dump could not be run into '{target}': {ex.Message}", target, ex);
                }
            }

            using (var file = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Flush(flushToDisk: true);
            }

            RemoveSideFiles(target);
            File.Move(temporary, target, overwrite: true);
            UnixFileSystem.FlushDirectory(Path.GetDirectoryName(target)!);
        }
        finally
        {
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(temporary + suffix);
            }
        }
    }

    private static void RemoveSideFiles(string target)
    {
        foreach (string suffix in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(target + suffix);
        }
    }

    private static string TargetPath(ImportDatabaseRequest request)
    {
        string dataSource;
        try
        {
            dataSource = new SqliteConnectionStringBuilder(request.ConnectionString).DataSource;
        }
        catch (ArgumentException)
        {
            dataSource = "";
        }

        if (dataSource.Length == 0 || dataSource == ":memory:")
        {
            throw new BackupException(Errors.InvalidConnectionString, "The SQLite connection string must name the database file to import into (Data Source=/path/to/file.db).");
        }

        return Path.GetFullPath(dataSource, request.WorkingDirectory ?? Environment.CurrentDirectory);
    }
}
