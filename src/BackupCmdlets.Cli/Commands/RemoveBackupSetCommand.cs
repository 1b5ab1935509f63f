using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Remove-BackupSet: retention for each database of a repository.</summary>
[ParametersFrom(typeof(RemoveBackupSetRequest), "Remove-BackupSet")]
internal sealed partial class RemoveBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Remove-BackupSet", "Apply retention to each database of a repository (the newest intact set of each is never removed, nor a set in progress).");
        var path = new Option<string>("--path") { Description = "The repository folder.", Required = true };
        var whatIf = new Option<bool>("--what-if") { Description = "Show what would be removed; remove nothing." };
        var force = new Option<bool>("--force") { Description = "Accepted so that the cmdlet's unattended command line works here too: the CLI never asks for confirmation." };
        command.Options.Add(path);
        AddOptions(command);
        command.Options.Add(whatIf);
        command.Options.Add(force);
        command.SetAction((parse, ct) =>
        {
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!));
            return CliRunner.RunAsync(
                parse,
                (_, _) => Task.FromResult(parse.GetValue(whatIf) ? BackupEngine.PlanBackupSetRemoval(request) : BackupEngine.RemoveBackupSet(request)),
                sets => sets,
                _ => true,
                null,
                ct);
        });
        return command;
    }
}
