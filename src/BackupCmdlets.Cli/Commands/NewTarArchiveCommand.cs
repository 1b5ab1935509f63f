using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Cli.Commands;

internal sealed class NewTarArchiveCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Option<string[]>("--path") { Description = "Files and folders to archive.", Required = true, AllowMultipleArgumentsPerToken = true };
        var destination = new Option<string>("--destination-path") { Description = "The archive file to write.", Required = true };
        var compression = new Option<ArchiveCompression?>("--compression") { Description = "None, GZip or BZip2 (default: from the archive's extension: .tar.gz and .tgz GZip, .tar.bz2 and .tbz2 BZip2, else None)." };
        var level = new Option<int?>("--compression-level") { Description = "1 (fastest) to 9 (smallest)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob patterns of names to leave out.", AllowMultipleArgumentsPerToken = true };
        var checksum = new Option<bool>("--checksum") { Description = "Also write <archive>.sha256 (sha256sum -c format)." };
        var xattrs = new Option<bool>("--xattrs") { Description = "Also store extended attributes (SCHILY.xattr.* pax records, as tar --xattrs)." };
        var acls = new Option<bool>("--acls") { Description = "Also store POSIX ACLs (SCHILY.acl.* pax records, as tar --acls)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing archive (a regular file only: a symlink, FIFO or device is refused)." };
        var throttle = new Option<int?>("--throttle-limit") { Description = "Compression threads (default: one per core)." };
        var relativeBase = new Option<string?>("--relative-base-path") { Description = "Name entries relative to this folder (default: the current directory), as tar -C does." };

        var command = CliCommandCatalog.Named("New-TarArchive", "Writes a POSIX tar archive, optionally gzip or bzip2 compressed.");
        command.Options.Add(path);
        command.Options.Add(destination);
        command.Options.Add(compression);
        command.Options.Add(level);
        command.Options.Add(exclude);
        command.Options.Add(checksum);
        command.Options.Add(xattrs);
        command.Options.Add(acls);
        command.Options.Add(force);
        command.Options.Add(throttle);
        command.Options.Add(relativeBase);
        command.SetAction((parse, cancellation) =>
        {
            var request = new CreateArchiveRequest(parse.GetValue(path)!, parse.GetValue(destination)!)
            {
                Compression = parse.GetValue(compression),
                CompressionLevel = parse.GetValue(level),
                Exclude = parse.GetValue(exclude) ?? [],
                Checksum = parse.GetValue(checksum),
                Force = parse.GetValue(force),
                Xattrs = parse.GetValue(xattrs),
                Acls = parse.GetValue(acls),
                ThrottleLimit = parse.GetValue(throttle),
                BaseDirectory = Path.GetFullPath(parse.GetValue(relativeBase) ?? Environment.CurrentDirectory),
            };
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
