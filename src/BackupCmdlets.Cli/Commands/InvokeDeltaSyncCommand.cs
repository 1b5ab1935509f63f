using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>backupcmdlets Invoke-DeltaSync: the cmdlet's mirror (rsync -a class) from the command line.</summary>
[ParametersFrom(typeof(SyncRequest), "Invoke-DeltaSync")]
internal sealed partial class InvokeDeltaSyncCommand : ICliCommand
{
    private readonly Option<string> _path = new("--path", "--literal-path") { Description = "The source folder.", Required = true };
    private readonly Option<bool> _passThru = new("--pass-thru") { Description = "Also print one object per change." };
    private readonly Option<bool> _whatIf = new("--what-if") { Description = "List what would change; change nothing." };

    public Command Build()
    {
        var command = CliCommandCatalog.Named("Invoke-DeltaSync", "Make a folder a mirror of another, copying only what changed (rsync -a class).");
        command.Options.Add(_path);
        AddOptions(command);
        command.Options.Add(_passThru);
        command.Options.Add(_whatIf);
        command.SetAction((parse, cancellationToken) =>
        {
            bool whatIf = parse.GetValue(_whatIf);
            bool passThru = parse.GetValue(_passThru) || whatIf;
            var request = BuildRequest(parse, Path.GetFullPath(parse.GetValue(_path)!)) with { DryRun = whatIf };
            return CliRunner.RunAsync(
                parse,
                (progress, ct) => BackupEngine.InvokeDeltaSyncAsync(request, progress, ct),
                result => passThru ? [.. result.Changes, result] : [result],
                result => result.Complete,
                result => result.Problems,
                cancellationToken);
        });
        return command;
    }
}
