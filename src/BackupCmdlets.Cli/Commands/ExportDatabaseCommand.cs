using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Export-Database: a logical export (pg_dump, VACUUM INTO, Data Pump) as a set of the repository.</summary>
[ParametersFrom(typeof(ExportDatabaseRequest), "Export-Database")]
internal sealed partial class ExportDatabaseCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Export-Database", "Export a PostgreSQL, SQLite or Oracle database (schema and rows, one snapshot) as a logical set of a repository.");
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = DatabaseConnection.Complete(BuildRequest(parse));
            return CliRunner.RunAsync(parse, (progress, c) => BackupEngine.ExportDatabaseAsync(request, progress, c), set => [set], set => set.Status == BackupSetStatus.Complete, set => set.Problems, ct);
        });
        return command;
    }
}
