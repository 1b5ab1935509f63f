using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Test-BackupSet: re-hash every file, check the WAL range.</summary>
internal sealed class TestBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Test-BackupSet", "Verify a backup set: every file against the manifest, the WAL range complete.");
        var path = new Option<string>("--path") { Description = "The set folder.", Required = true };
        var throttle = new Option<int?>("--throttle-limit") { Description = "Files hashed at the same time." };
        command.Options.Add(path);
        command.Options.Add(throttle);
        command.SetAction((parse, ct) =>
        {
            string set = Path.GetFullPath(parse.GetValue(path)!);
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.TestBackupSetAsync(new TestBackupSetRequest(set) { ThrottleLimit = parse.GetValue(throttle) }, progress, c), r => [r], r => r.Passed, r => r.Problems, ct);
        });
        return command;
    }
}
