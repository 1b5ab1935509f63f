using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

[ParametersFrom(typeof(TestArchiveRequest), "Test-Archive")]
internal sealed partial class TestArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string>("--path") { Description = "The archive to verify.", Required = true };
        var quiet = new Option<bool>("--quiet") { Description = "Print only True or False." };
        var command = CliCommandCatalog.Named("Test-Archive", "Reads a whole archive and checks every checksum; exit code 1 when a problem is found.");
        command.Options.Add(path);
        AddOptions(command);
        command.Options.Add(quiet);
        command.SetAction((parse, cancellation) => CliRunner.RunAsync(
            parse,
            (progress, ct) => BackupEngine.TestArchiveAsync(BuildRequest(parse, Path.GetFullPath(parse.GetValue(path)!)), progress, ct),
            result => parse.GetValue(quiet) ? [result.IsValid] : [result],
            result => result.IsValid,
            result => parse.GetValue(quiet) ? [] : result.Problems,
            cancellation));
        return command;
    }
}
