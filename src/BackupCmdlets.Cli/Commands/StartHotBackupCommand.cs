using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Start-HotBackup: a backup while the database stays open.</summary>
[ParametersFrom(typeof(StartBackupRequest), "Start-HotBackup")]
internal sealed partial class StartHotBackupCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Start-HotBackup", "Take a hot (online) backup of a PostgreSQL, SQLite or Oracle database into a repository.");
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = DatabaseConnection.Complete(BuildRequest(parse));
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.StartHotBackupAsync(request, progress, c), set => [set], set => set.Status == BackupSetStatus.Complete, set => Warned(set, request.Type), ct);
        });
        return command;
    }

    private static IEnumerable<ItemProblem> Warned(BackupSet set, BackupType asked)
    {
        if (set.FullBackupReason is { } reason)
        {
            Console.Error.WriteLine($"backupcmdlets: warning: a full set was taken instead of the {asked.ToString().ToLowerInvariant()} set asked for: {reason}.");
        }

        return set.Problems;
    }
}
