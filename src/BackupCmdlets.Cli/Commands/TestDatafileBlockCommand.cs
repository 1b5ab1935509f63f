using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases.Oracle;

namespace BackupCmdlets.Cli.Commands;

/// <summary>Test-DatafileBlock: DBVERIFY-like checks of Oracle datafiles or their copies; exit code 1 when a block is corrupt.</summary>
internal sealed class TestDatafileBlockCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string[]>("--path") { Description = "Datafiles to check.", Required = true, AllowMultipleArgumentsPerToken = true };
        var blockSize = new Option<int?>("--block-size") { Description = "The block size (default: read from the file's header block)." };
        var startScn = new Option<long?>("--start-scn") { Description = "The SCN at which the hot backup of the file began: judge it as a hot copy." };
        var command = CliCommandCatalog.Named("Test-DatafileBlock", "Checks every block of Oracle datafiles as DBVERIFY does; exit code 1 when a block is corrupt.");
        command.Options.Add(path);
        command.Options.Add(blockSize);
        command.Options.Add(startScn);
        command.SetAction((parse, cancellation) => CliRunner.RunAsync(
            parse,
            async (progress, ct) =>
            {
                var results = new List<DatafileBlockResult>();
                foreach (string file in parse.GetValue(path)!)
                {
                    results.Add(await BackupEngine.TestDatafileBlockAsync(new TestDatafileBlockRequest(file) { BlockSize = parse.GetValue(blockSize), StartScn = parse.GetValue(startScn) }, progress, ct));
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
