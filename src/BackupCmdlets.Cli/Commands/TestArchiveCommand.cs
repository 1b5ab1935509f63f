using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Cli.Commands;

internal sealed class TestArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string>("--path") { Description = "The archive to verify.", Required = true };
        var compare = new Option<string?>("--compare") { Description = "A folder to compare the entries with (as tar -d)." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only True or False." };
        var command = CliCommandCatalog.Named("Test-Archive", "Reads a whole archive and checks every checksum; exit code 1 when a problem is found.");
        command.Options.Add(path);
        command.Options.Add(compare);
        command.Options.Add(quiet);
        command.SetAction((parse, cancellation) => CliRunner.RunAsync(
            parse,
            (progress, ct) => BackupEngine.TestArchiveAsync(new TestArchiveRequest(parse.GetValue(path)!) { CompareDirectory = parse.GetValue(compare) }, progress, ct),
            result => parse.GetValue(quiet) ? [result.IsValid] : [result],
            result => result.IsValid,
            result => parse.GetValue(quiet) ? [] : result.Problems,
            cancellation));
        return command;
    }
}
