using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// Puts an SQLite database back: to the destination file (or into the destination folder under its
/// own name), with its WAL/journal when the set has one; stale -wal/-shm/-journal files beside an
/// overwritten database are removed so they cannot be replayed into it.
/// </summary>
internal static class SqliteRestore
{
    public static async Task<RestoreResult> RestoreAsync(string setPath, BackupSetManifest manifest, RestoreBackupSetRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var main = manifest.Files.First(f => !f.Path.EndsWith("-wal", StringComparison.Ordinal) && !f.Path.EndsWith("-journal", StringComparison.Ordinal));
        string name = Path.GetFileName(main.Path);
        string destination = Path.GetFullPath(request.DestinationPath);
        if (Directory.Exists(destination))
        {
            destination = Path.Combine(destination, name);
        }

        if (File.Exists(destination) && !request.Force)
        {
            throw new BackupException(Errors.RestoreDestinationNotEmpty, $"'{destination}' already exists: use {ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} to replace it.", destination);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        foreach (string suffix in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(destination + suffix);
        }

        foreach (var file in manifest.Files.OrderByDescending(f => f == main))
        {
            string target = file == main ? destination : destination + Path.GetFileName(file.Path)[name.Length..];
            using var writer = AtomicFileWriter.Create(target, preallocate: file.Size);
            await using (var input = File.OpenRead(Path.Combine(setPath, file.Path)))
            {
                await input.CopyToAsync(writer.Stream, cancellationToken);
            }

            writer.Commit(overwrite: true, beforeRename: temporary => UnixFileSystem.SetPermissions(temporary, file.Mode));
        }

        SqliteProvider.CheckIntegrity(destination);

        return new RestoreResult(setPath, manifest.SetId, manifest.Engine, manifest.Kind, destination, manifest.Files.Count, manifest.Files.Sum(f => f.Size), false, null, clock.Elapsed);
    }
}
