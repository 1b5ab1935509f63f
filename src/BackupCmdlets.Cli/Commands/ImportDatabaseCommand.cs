using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Import-Database: verify an export, then load it into a new or empty database (pg_restore, or the SQLite file).</summary>
[ParametersFrom(typeof(ImportDatabaseRequest), "Import-Database")]
internal sealed partial class ImportDatabaseCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Import-Database", "Verify an export (a logical set) and import it into a new or empty database.");
        var path = new Option<string>("--path") { Description = "The logical set folder.", Required = true };
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = DatabaseConnection.Complete(BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)));
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.ImportDatabaseAsync(request, progress, c), r => [r], _ => true, null, ct);
        });
        return command;
    }
}
