using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

[ParametersFrom(typeof(ExpandArchiveRequest), "Expand-TarArchive")]
internal sealed partial class ExpandTarArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string>("--path") { Description = "The archive to extract.", Required = true };
        var command = CliCommandCatalog.Named("Expand-TarArchive", "Extracts a tar archive safely: no entry is written outside the destination.");
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, cancellation) =>
        {
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!));
            return CliRunner.RunAsync(
                parse,
                (progress, ct) => BackupEngine.ExpandTarArchiveAsync(request, progress, ct),
                result => [result],
                result => result.Complete,
                result => result.Problems,
                cancellation);
        });
        return command;
    }
}
