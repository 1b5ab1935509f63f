using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Test-DatafileBlock: DBVERIFY-like checks of Oracle datafiles or their copies; exit code 1 when a block is corrupt.</summary>
[ParametersFrom(typeof(TestDatafileBlockRequest), "Test-DatafileBlock")]
internal sealed partial class TestDatafileBlockCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string[]>("--path") { Description = "Datafiles to check.", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = CliCommandCatalog.Named("Test-DatafileBlock", "Checks every block of Oracle datafiles as DBVERIFY does; exit code 1 when a block is corrupt.");
        command.Options.Add(path);
        AddOptions(command);
        command.SetAction((parse, cancellation) => CliRunner.RunAsync(
            parse,
            async (progress, ct) =>
            {
                var results = new List<DatafileBlockResult>();
                foreach (string file in parse.GetValue(path)!)
                {
                    results.Add(await BackupEngine.TestDatafileBlockAsync(BuildRequest(parse, Path.GetFullPath(file)), progress, ct));
                }

                return results;
            },
            results => results,
            results => results.All(r => r.IsValid),
            results => results.SelectMany(r => r.Problems).ToList<ItemProblem>(),
            cancellation));
        return command;
    }
}
