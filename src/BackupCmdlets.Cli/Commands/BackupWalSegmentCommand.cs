using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>
/// Backup-WalSegment: PostgreSQL's archive_command; exit code 0 only once the file is on disk in the
/// archive (or was there with the same content). Silent on success but with --json: what it prints goes
/// to the server log, once per segment.
/// </summary>
[ParametersFrom(typeof(BackupWalSegmentRequest), "Backup-WalSegment")]
internal sealed partial class BackupWalSegmentCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Backup-WalSegment", "Store a PostgreSQL WAL file into a WAL archive folder, zstd-compressed with its SHA-256 (archive_command: --path %p).");
        var path = new Option<string>("--path") { Description = "The WAL file to archive (archive_command's %p).", Required = true };
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)) with { EncryptionKey = DatabaseConnection.EncryptionKey() };
            return CliRunner.RunAsync(parse, (_, c) => BackupEngine.BackupWalSegmentAsync(request, c), r => parse.GetValue(CliOptions.Json) ? [r] : [], _ => true, null, ct);
        });
        return command;
    }
}
