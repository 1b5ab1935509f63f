using System.CommandLine;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Remove-BackupSet: retention by count and age; --what-if lists without removing.</summary>
internal sealed class RemoveBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Remove-BackupSet", "Apply retention to a repository (the newest complete set is never removed).");
        var path = new Option<string>("--path") { Description = "The repository folder.", Required = true };
        var keepLast = new Option<int?>("--keep-last") { Description = "Keep this many newest complete sets." };
        var olderThan = new Option<TimeSpan?>("--older-than") { Description = "Keep sets younger than this (d.hh:mm:ss)." };
        var whatIf = new Option<bool>("--what-if") { Description = "Show what would be removed; remove nothing." };
        foreach (var option in new Option[] { path, keepLast, olderThan, whatIf })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var request = new RemoveBackupSetRequest(Path.GetFullPath(parse.GetValue(path)!)) { KeepLast = parse.GetValue(keepLast), OlderThan = parse.GetValue(olderThan) };
            return CliRunner.RunAsync(
                parse,
                (_, _) => Task.FromResult(parse.GetValue(whatIf) ? BackupRetention.Plan(request) : BackupRetention.Remove(request)),
                sets => sets,
                _ => true,
                null,
                ct);
        });
        return command;
    }
}
