using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Restore-BackupSet: verify, then restore (PostgreSQL with recovery from the set's WAL).</summary>
[ParametersFrom(typeof(RestoreBackupSetRequest), "Restore-BackupSet")]
internal sealed partial class RestoreBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Restore-BackupSet", "Verify a backup set and restore it into an empty destination.");
        var path = new Option<string>("--path") { Description = "The set folder.", Required = true };
        var mapping = new Option<string[]>("--tablespace-mapping") { Description = "New locations for tablespaces: name_or_oid=/new/location (repeatable).", AllowMultipleArgumentsPerToken = true };
        command.Options.Add(path);
        AddOptions(command);
        command.Options.Add(mapping);
        command.SetAction((parse, ct) =>
        {
            var pairs = (parse.GetValue(mapping) ?? []).Select(m => m.Split('=', 2)).ToList();
            if (pairs.Any(p => p.Length != 2 || p[0].Length == 0 || p[1].Length == 0))
            {
                Console.Error.WriteLine("backupcmdlets: --tablespace-mapping takes name_or_oid=/new/location.");
                return Task.FromResult(ExitCodes.BadUsage);
            }

            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)) with
            {
                TablespaceMapping = pairs.ToDictionary(p => p[0], p => Path.GetFullPath(p[1])),
                EncryptionKey = DatabaseConnection.EncryptionKey(),
                WalFetchCommand = RestoreWalSegmentCommand.FetchCommand,
            };
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.RestoreBackupSetAsync(request, progress, c), r => [r], _ => true, null, ct);
        });
        return command;
    }
}
