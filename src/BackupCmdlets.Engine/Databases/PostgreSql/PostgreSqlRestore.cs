using System.Diagnostics;
using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Restores a PostgreSQL set into a new data directory: the files, each tablespace at its (possibly
/// remapped) location with its pg_tblspc link and a matching tablespace_map, and for a hot set
/// recovery.signal plus a restore_command that reads the set's WAL (and an optional recovery target).
/// </summary>
internal static class PostgreSqlRestore
{
    public static async Task<RestoreResult> RestoreAsync(string setPath, BackupSetManifest manifest, RestoreBackupSetRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string destination = Path.GetFullPath(request.DestinationPath);
        var locations = manifest.Tablespaces.ToDictionary(t => t.Id, t => Path.GetFullPath(MappedLocation(t, request.TablespaceMapping)));
        string? target = RecoveryTarget(request);
        if (target is not null && manifest.Kind == BackupKind.Cold)
        {
            throw new BackupException(DatabaseErrorIds.InvalidRecoveryTarget, ErrorKind.InvalidArgument, "A cold set holds no WAL to replay: a recovery target applies to hot sets only.", setPath);
        }

        RestoreTarget.PrepareEmptyFolder(destination, request.Force);
        foreach (string location in locations.Values)
        {
            RestoreTarget.PrepareEmptyFolder(location, request.Force);
        }

        int throttle = Math.Max(1, request.ThrottleLimit ?? Environment.ProcessorCount);
        var (files, bytes) = await RestoreTarget.RestoreFolderAsync(setPath, manifest, "data", destination, throttle, cancellationToken);
        string links = Path.Combine(destination, "pg_tblspc");
        Directory.CreateDirectory(links);
        foreach (var tablespace in manifest.Tablespaces)
        {
            var (tsFiles, tsBytes) = await RestoreTarget.RestoreFolderAsync(setPath, manifest, tablespace.SetPath, locations[tablespace.Id], throttle, cancellationToken);
            files += tsFiles;
            bytes += tsBytes;
            string link = Path.Combine(links, tablespace.Id);
            File.CreateSymbolicLink(link, locations[tablespace.Id]);
        }

        bool recovery = manifest.Kind == BackupKind.Hot;
        if (recovery)
        {
            if (manifest.Tablespaces.Count > 0)
            {
                WriteOwned(Path.Combine(destination, "tablespace_map"), string.Concat(manifest.Tablespaces.Select(t => $"{t.Id} {locations[t.Id]}\n")), manifest);
            }

            WriteOwned(Path.Combine(destination, "recovery.signal"), "", manifest);
            var settings = new StringBuilder();
            settings.Append("\n# Added by Restore-BackupSet (BackupCmdlets): replay the WAL kept in the backup set.\n");
            string walFolder = Path.Combine(setPath, "wal");
            string command = manifest.RedoCompressed
                ? $"test -f \"{walFolder}/%f.gz\" && gzip -dc \"{walFolder}/%f.gz\" > \"%p\""
                : $"cp \"{walFolder}/%f\" \"%p\"";
            settings.Append(CultureInfo.InvariantCulture, $"restore_command = {Quote(command)}\n");
            if (target is not null)
            {
                settings.Append(CultureInfo.InvariantCulture, $"{target}\nrecovery_target_action = 'promote'\n");
            }

            string autoConf = Path.Combine(destination, "postgresql.auto.conf");
            File.AppendAllText(autoConf, settings.ToString());
            RestoreTarget.Own(autoConf, manifest);
        }

        UnixFileSystem.SetPermissions(destination, 0x1C0);
        RestoreTarget.Own(destination, manifest);
        return new RestoreResult(setPath, manifest.SetId, manifest.Engine, manifest.Kind, destination, files, bytes, recovery, target, clock.Elapsed)
        {
            TablespaceLocations = [.. locations.Values],
        };
    }

    private static string MappedLocation(TablespaceEntry tablespace, IReadOnlyDictionary<string, string> mapping) =>
        mapping.TryGetValue(tablespace.Id, out string? byId) ? byId
        : mapping.TryGetValue(tablespace.Name, out string? byName) ? byName
        : tablespace.Location;

    private static string? RecoveryTarget(RestoreBackupSetRequest request)
    {
        if (request.RecoveryTargetTime is not null && request.RecoveryTargetLsn is not null)
        {
            throw new BackupException(DatabaseErrorIds.InvalidRecoveryTarget, ErrorKind.InvalidArgument, "Give a recovery target time or a recovery target LSN, not both.");
        }

        if (request.RecoveryTargetLsn is { } lsnText)
        {
            if (!Lsn.TryParse(lsnText, out var lsn))
            {
                throw new BackupException(DatabaseErrorIds.InvalidRecoveryTarget, ErrorKind.InvalidArgument, $"'{lsnText}' is not a PostgreSQL LSN (like 0/3000060).");
            }

            return $"recovery_target_lsn = '{lsn}'";
        }

        return request.RecoveryTargetTime is { } time
            ? $"recovery_target_time = '{time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'"
            : null;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void WriteOwned(string path, string content, BackupSetManifest manifest)
    {
        File.WriteAllText(path, content);
        UnixFileSystem.SetPermissions(path, 0x180);
        RestoreTarget.Own(path, manifest);
    }
}
