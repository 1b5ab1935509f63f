using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Restore-BackupSet: verify, then restore (PostgreSQL with recovery from the set's WAL).</summary>
internal sealed class RestoreBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Restore-BackupSet", "Verify a backup set and restore it into an empty destination.");
        var path = new Option<string>("--path") { Description = "The set folder.", Required = true };
        var destination = new Option<string>("--destination-path") { Description = "PostgreSQL: the new data directory. SQLite: the database file or a folder.", Required = true };
        var mapping = new Option<string[]>("--tablespace-mapping") { Description = "name_or_oid=/new/location (repeatable).", AllowMultipleArgumentsPerToken = true };
        var targetTime = new Option<DateTimeOffset?>("--recovery-target-time") { Description = "Stop WAL replay at this time." };
        var targetLsn = new Option<string?>("--recovery-target-lsn") { Description = "Stop WAL replay at this LSN." };
        var walArchive = new Option<string?>("--wal-archive-path") { Description = "PostgreSQL: the WAL archive recovery reads after the set's own WAL (default: the one the set recorded)." };
        var archiveMode = new Option<RestoreArchiveMode>("--archive-mode") { Description = "PostgreSQL: Off (the default: the restored server archives nothing), Keep, or Redirect (into --archive-path).", DefaultValueFactory = _ => RestoreArchiveMode.Off };
        var archivePath = new Option<string?>("--archive-path") { Description = "PostgreSQL, with --archive-mode Redirect: the folder the restored server archives its WAL into." };
        var force = new Option<bool>("--force") { Description = "Replace the contents of a non-empty destination (never one a running server owns)." };
        var throttle = new Option<int?>("--throttle-limit") { Description = "Files copied at the same time." };
        foreach (var option in new Option[] { path, destination, mapping, targetTime, targetLsn, walArchive, archiveMode, archivePath, force, throttle })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var pairs = (parse.GetValue(mapping) ?? []).Select(m => m.Split('=', 2)).ToList();
            if (pairs.Any(p => p.Length != 2 || p[0].Length == 0 || p[1].Length == 0))
            {
                Console.Error.WriteLine("backupcmdlets: --tablespace-mapping takes name_or_oid=/new/location.");
                return Task.FromResult(ExitCodes.BadUsage);
            }

            var request = new RestoreBackupSetRequest(Path.GetFullPath(parse.GetValue(path)!), Path.GetFullPath(parse.GetValue(destination)!))
            {
                TablespaceMapping = pairs.ToDictionary(p => p[0], p => Path.GetFullPath(p[1])),
                RecoveryTargetTime = parse.GetValue(targetTime),
                RecoveryTargetLsn = parse.GetValue(targetLsn),
                WalArchivePath = parse.GetValue(walArchive) is { } archive ? Path.GetFullPath(archive) : null,
                ArchiveMode = parse.GetValue(archiveMode),
                ArchivePath = parse.GetValue(archivePath) is { } into ? Path.GetFullPath(into) : null,
                Force = parse.GetValue(force),
                ThrottleLimit = parse.GetValue(throttle),
            };
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.RestoreBackupSetAsync(request, progress, c), r => [r], _ => true, null, ct);
        });
        return command;
    }
}
