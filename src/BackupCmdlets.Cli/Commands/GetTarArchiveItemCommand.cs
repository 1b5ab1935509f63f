using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

[ParametersFrom(typeof(ListArchiveRequest), "Get-TarArchiveItem")]
internal sealed partial class GetTarArchiveItemCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string>("--path") { Description = "The archive to list (compression is read from its content).", Required = true };
        var command = CliCommandCatalog.Named("Get-TarArchiveItem", "Lists the entries of a tar archive, as tar -tv does.");
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, cancellation) => CliRunner.RunAsync(
            parse,
            (progress, ct) => BackupEngine.GetTarArchiveItemAsync(BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)), progress, ct),
            listing => parse.GetValue(CliOptions.Json) ? listing.Items : listing.Items.Select(TarListingLine.Format).Cast<object>(),
            _ => true,
            null,
            cancellation));
        return command;
    }
}
