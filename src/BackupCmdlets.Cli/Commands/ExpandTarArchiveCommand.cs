using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Cli.Commands;

internal sealed class ExpandTarArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string>("--path") { Description = "The archive to extract.", Required = true };
        var destination = new Option<string>("--destination-path") { Description = "The folder to extract into (created when its parent exists).", Required = true };
        var include = new Option<string[]>("--include") { Description = "Glob patterns: extract only matching entries.", AllowMultipleArgumentsPerToken = true };
        var force = new Option<bool>("--force") { Description = "Replace existing files." };
        var preserveOwner = new Option<bool>("--preserve-owner") { Description = "Restore owners and setuid/setgid bits." };
        var xattrs = new Option<bool>("--xattrs") { Description = "Restore extended attributes (user.*; as root also trusted.* and security.*)." };
        var acls = new Option<bool>("--acls") { Description = "Restore POSIX ACLs." };
        var throttle = new Option<int?>("--throttle-limit") { Description = "Writer threads (default: one per core)." };
        var command = CliCommandCatalog.Named("Expand-TarArchive", "Extracts a tar archive safely: no entry is written outside the destination.");
        command.Options.Add(path);
        command.Options.Add(destination);
        command.Options.Add(include);
        command.Options.Add(force);
        command.Options.Add(preserveOwner);
        command.Options.Add(xattrs);
        command.Options.Add(acls);
        command.Options.Add(throttle);
        command.SetAction((parse, cancellation) =>
        {
            var request = new ExpandArchiveRequest(parse.GetValue(path)!, parse.GetValue(destination)!)
            {
                Include = parse.GetValue(include) ?? [],
                Force = parse.GetValue(force),
                PreserveOwner = parse.GetValue(preserveOwner),
                Xattrs = parse.GetValue(xattrs),
                Acls = parse.GetValue(acls),
                ThrottleLimit = parse.GetValue(throttle),
            };
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
