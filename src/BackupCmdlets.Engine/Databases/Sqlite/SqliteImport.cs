using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// Puts an SQLite export back as the database file the connection string's Data Source names: written
/// under a temporary name, then renamed over it, and checked with PRAGMA integrity_check. A file there
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
        progress?.Report(new OperationProgress("Import-Database", "Copying the database", target));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (var writer = AtomicFileWriter.Create(target, preallocate: file.Size))
        {
            await using (var input = File.OpenRead(Path.Combine(setPath, file.Path)))
            {
                await input.CopyToAsync(writer.Stream, cancellationToken);
            }

            foreach (string suffix in new[] { "-wal", "-shm", "-journal" })
            {
                File.Delete(target + suffix);
            }

            writer.Commit(overwrite: true, beforeRename: temporary => UnixFileSystem.SetPermissions(temporary, file.Mode));
        }

        SqliteProvider.CheckIntegrity(target);
        return new ImportResult(setPath, manifest.SetId, DatabaseEngine.Sqlite, target, false, 1, file.Size, clock.Elapsed);
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
