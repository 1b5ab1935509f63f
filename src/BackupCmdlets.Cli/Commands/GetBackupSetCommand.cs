using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Get-BackupSet: the sets of a repository, newest first.</summary>
[ParametersFrom(typeof(GetBackupSetRequest), "Get-BackupSet")]
internal sealed partial class GetBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Get-BackupSet", "List the backup sets of a repository, newest first (incomplete sets included).");
        var path = new Option<string>("--path") { Description = "The repository folder (or one set folder).", Required = true };
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!));
            return CliRunner.RunAsync(parse, (_, _) => Task.FromResult(BackupEngine.GetBackupSet(request)), sets => sets, _ => true, null, ct);
        });
        return command;
    }
}
