using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Start-HotBackup: a backup while the database stays open.</summary>
internal sealed class StartHotBackupCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Start-HotBackup", "Take a hot (online) backup of a PostgreSQL or SQLite database into a repository.");
        var options = new DatabaseCliOptions();
        options.AddTo(command);
        var walArchive = new Option<string?>("--wal-archive-path") { Description = "PostgreSQL: the folder archive_command copies WAL into." };
        command.Options.Add(walArchive);
        var archiveTimeout = new Option<int?>("--archive-timeout") { Description = "PostgreSQL: seconds to wait for the WAL to reach the archive (default 60); a failing archive_command fails at once." };
        archiveTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 86400)
            {
                result.AddError("--archive-timeout must be between 1 and 86400 seconds.");
            }
        });
        command.Options.Add(archiveTimeout);
        var wholeDatabase = new Option<bool>("--whole-database") { Description = "Oracle: ALTER DATABASE BEGIN/END BACKUP instead of one tablespace at a time." };
        var tablespace = new Option<string[]>("--tablespace") { Description = "Oracle: only these tablespaces.", AllowMultipleArgumentsPerToken = true };
        var force = new Option<bool>("--force") { Description = "Oracle: end a stale backup mode (files ACTIVE in v$backup) before starting." };
        command.Options.Add(wholeDatabase);
        command.Options.Add(tablespace);
        command.Options.Add(force);
        command.SetAction((parse, ct) =>
        {
            var request = options.Request(parse);
            request = request with
            {
                WalArchivePath = parse.GetValue(walArchive) is { } archive ? Path.GetFullPath(archive) : null,
                ArchiveTimeout = parse.GetValue(archiveTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : request.ArchiveTimeout,
                WholeDatabase = parse.GetValue(wholeDatabase),
                Tablespace = parse.GetValue(tablespace) ?? [],
                Force = parse.GetValue(force),
            };
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.StartHotBackupAsync(request, progress, c), set => [set], set => set.Status == BackupSetStatus.Complete, set => set.Problems, ct);
        });
        return command;
    }
}
