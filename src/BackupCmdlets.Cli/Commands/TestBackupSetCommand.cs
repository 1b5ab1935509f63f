using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Test-BackupSet: re-hash every file, check the WAL range.</summary>
[ParametersFrom(typeof(TestBackupSetRequest), "Test-BackupSet")]
internal sealed partial class TestBackupSetCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Test-BackupSet", "Verify a backup set: every file against the manifest, the WAL range complete.");
        var path = new Option<string>("--path") { Description = "The set folder.", Required = true };
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)) with { EncryptionKey = DatabaseConnection.EncryptionKey() };
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.TestBackupSetAsync(request, progress, c), r => [r], r => r.Passed, r => r.Problems, ct);
        });
        return command;
    }
}
