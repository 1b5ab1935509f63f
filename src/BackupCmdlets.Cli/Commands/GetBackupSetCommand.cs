using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Get-BackupSet: the sets of a repository, newest first.</summary>
internal sealed class GetBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Get-BackupSet", "List the backup sets of a repository, newest first (incomplete sets included).");
        var path = new Option<string>("--path") { Description = "The repository folder (or one set folder).", Required = true };
        var engine = new Option<DatabaseEngine?>("--engine") { Description = "Only sets of this engine." };
        var kind = new Option<BackupKind?>("--kind") { Description = "Only Hot or only Cold sets." };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only sets started at or after this time." };
        command.Options.Add(path);
        command.Options.Add(engine);
        command.Options.Add(kind);
        command.Options.Add(since);
        command.SetAction((parse, ct) =>
        {
            var request = new GetBackupSetRequest(Path.GetFullPath(parse.GetValue(path)!)) { Engine = parse.GetValue(engine), Kind = parse.GetValue(kind), Since = parse.GetValue(since) };
            return CliRunner.RunAsync(parse, (_, _) => Task.FromResult(BackupEngine.GetBackupSet(request)), sets => sets, _ => true, null, ct);
        });
        return command;
    }
}
