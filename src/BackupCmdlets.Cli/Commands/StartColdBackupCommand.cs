using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Start-ColdBackup: shut down, copy everything, start again.</summary>
[ParametersFrom(typeof(StartBackupRequest), "Start-ColdBackup")]
internal sealed partial class StartColdBackupCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Start-ColdBackup", "Take a cold backup: shut the database down cleanly, copy every file, start it again.");
        AddOptions(command);
        command.Options.Add(new Option<bool>("--force") { Description = "Accepted so that the cmdlet's unattended command line works here too: the CLI never asks for confirmation." });
        command.SetAction((parse, ct) =>
        {
            var request = DatabaseConnection.Complete(BuildRequest(parse));
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.StartColdBackupAsync(request, progress, c), set => [set], set => set.Status == BackupSetStatus.Complete, set => set.Problems, ct);
        });
        return command;
    }
}
