using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Syncing;

namespace BackupCmdlets.Cli.Commands;

/// <summary>backupcmdlets Invoke-DeltaSync: the cmdlet's mirror (rsync -a class) from the command line.</summary>
internal sealed class InvokeDeltaSyncCommand : ICliCommand
{
    private readonly Option<string> _path = new("--path", "--literal-path") { Description = "The source folder.", Required = true };
    private readonly Option<string> _destinationPath = new("--destination-path") { Description = "The mirror folder (created when missing).", Required = true };
    private readonly Option<bool> _delete = new("--delete") { Description = "Remove destination entries the source no longer has." };
    private readonly Option<int?> _maxDelete = new("--max-delete") { Description = "Change nothing when more than this many entries would be deleted." };
    private readonly Option<string[]> _exclude = new("--exclude") { Description = "rsync-style pattern of entries to leave out (repeatable).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _include = new("--include") { Description = "rsync-style pattern of entries to keep despite an exclude (repeatable).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<bool> _deleteExcluded = new("--delete-excluded") { Description = "Also delete excluded entries from the destination." };
    private readonly Option<bool> _checksum = new("--checksum") { Description = "Compare contents instead of size and time." };
    private readonly Option<bool> _inPlace = new("--in-place") { Description = "Write only changed blocks into existing files (not crash-safe)." };
    private readonly Option<bool> _sparse = new("--sparse") { Description = "Keep holes as holes (rsync -S): files written anew get no blocks for holes and runs of zeros." };
    private readonly Option<bool> _xattrs = new("--xattrs") { Description = "Keep extended attributes (rsync -X)." };
    private readonly Option<bool> _acls = new("--acls") { Description = "Keep POSIX ACLs (rsync -A)." };
    private readonly Option<bool> _hardLinks = new("--hard-links") { Description = "Keep hard links as hard links." };
    private readonly Option<bool> _preserveOwner = new("--preserve-owner") { Description = "Keep owner and group also when not root." };
    private readonly Option<int?> _throttleLimit = new("--throttle-limit") { Description = "Parallel workers (default: twice the cores, at most 16)." };
    private readonly Option<bool> _passThru = new("--pass-thru") { Description = "Also print one object per change." };
    private readonly Option<bool> _whatIf = new("--what-if") { Description = "List what would change; change nothing." };

    public Command Build()
    {
        var command = CliCommandCatalog.Named("Invoke-DeltaSync", "Make a folder a mirror of another, copying only what changed (rsync -a class).");
        foreach (Option option in new Option[] { _path, _destinationPath, _delete, _maxDelete, _exclude, _include, _deleteExcluded, _checksum, _inPlace, _sparse, _xattrs, _acls, _hardLinks, _preserveOwner, _throttleLimit, _passThru, _whatIf })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            bool whatIf = parse.GetValue(_whatIf);
            bool passThru = parse.GetValue(_passThru) || whatIf;
            var request = new SyncRequest(parse.GetValue(_path)!, parse.GetValue(_destinationPath)!)
            {
                Delete = parse.GetValue(_delete),
                MaxDelete = parse.GetValue(_maxDelete),
                Exclude = parse.GetValue(_exclude) ?? [],
                Include = parse.GetValue(_include) ?? [],
                DeleteExcluded = parse.GetValue(_deleteExcluded),
                Checksum = parse.GetValue(_checksum),
                InPlace = parse.GetValue(_inPlace),
                Sparse = parse.GetValue(_sparse),
                Xattrs = parse.GetValue(_xattrs),
                Acls = parse.GetValue(_acls),
                HardLinks = parse.GetValue(_hardLinks),
                PreserveOwner = parse.GetValue(_preserveOwner),
                ThrottleLimit = parse.GetValue(_throttleLimit),
                DryRun = whatIf,
            };
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
