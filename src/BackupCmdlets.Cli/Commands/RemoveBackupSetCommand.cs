using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Remove-BackupSet: retention by count and age; --what-if lists without removing.</summary>
internal sealed class RemoveBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Remove-BackupSet", "Apply retention to each database of a repository (the newest intact set of each is never removed, nor a set in progress).");
        var path = new Option<string>("--path") { Description = "The repository folder.", Required = true };
        var keepLast = new Option<int?>("--keep-last") { Description = "Keep this many newest intact sets of each database." };
        var olderThan = new Option<TimeSpan?>("--older-than") { Description = "Keep sets younger than this (d.hh:mm:ss)." };
        var includeIncomplete = new Option<bool>("--include-incomplete") { Description = "Also remove sets left incomplete by a failed, cancelled or killed backup." };
        var whatIf = new Option<bool>("--what-if") { Description = "Show what would be removed; remove nothing." };
        var force = new Option<bool>("--force") { Description = "Accepted so that the cmdlet's unattended command line works here too: the CLI never asks for confirmation." };
        foreach (var option in new Option[] { path, keepLast, olderThan, includeIncomplete, whatIf, force })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var request = new RemoveBackupSetRequest(Path.GetFullPath(parse.GetValue(path)!)) { KeepLast = parse.GetValue(keepLast), OlderThan = parse.GetValue(olderThan), IncludeIncomplete = parse.GetValue(includeIncomplete) };
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
