using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

[ParametersFrom(typeof(CreateArchiveRequest), "New-TarArchive")]
internal sealed partial class NewTarArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string[]>("--path") { Description = "Files and folders to archive.", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = CliCommandCatalog.Named("New-TarArchive", "Writes a POSIX tar archive, optionally gzip or bzip2 compressed.");
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, cancellation) =>
        {
            var request = BuildRequest(parse, [.. parse.GetValue(path)!.Select(Path.GetFullPath)]);
            request = request with { RelativeBasePath = request.RelativeBasePath ?? Environment.CurrentDirectory };
            return CliRunner.RunAsync(
                parse,
                (progress, ct) => BackupEngine.NewTarArchiveAsync(request, progress, ct),
                result => [result],
                result => result.Complete,
                result => result.Problems,
                cancellation);
        });
        return command;
    }
}
