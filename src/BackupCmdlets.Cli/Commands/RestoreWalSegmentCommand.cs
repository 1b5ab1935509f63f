using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets.Cli.Commands;

/// <summary>
/// Restore-WalSegment: PostgreSQL's restore_command. A file the archive does not hold exits with 1 and
/// prints nothing: recovery asks for such files as a matter of course, and the server log would fill.
/// Silent on success too, but with --json.
/// </summary>
[ParametersFrom(typeof(RestoreWalSegmentRequest), "Restore-WalSegment")]
internal sealed partial class RestoreWalSegmentCommand : ICliCommand
{
    public Command Build()
    {
        var command = CliCommandCatalog.Named("Restore-WalSegment", "Fetch a WAL file from a WAL archive folder, decompressed and checked (restore_command: --name %f --destination-path %p); exit code 1 when it is not there.");
        AddOptions(command);
        command.SetAction((parse, ct) =>
        {
            var request = BuildRequest(parse) with { EncryptionKey = DatabaseConnection.EncryptionKey() };
            return CliRunner.RunAsync(parse, (_, c) => BackupEngine.RestoreWalSegmentAsync(request, c), r => parse.GetValue(CliOptions.Json) ? [r] : [], _ => true, null, ct, quietError: Errors.WalFileNotFound);
        });
        return command;
    }

    /// <summary>The command line that runs this command from the executable running now (on the .NET runtime: dotnet and the CLI's assembly).</summary>
    public static string Launcher()
    {
        string program = Environment.ProcessPath ?? "backupcmdlets";
        return Path.GetFileNameWithoutExtension(program) == "dotnet"
            ? $"{BackupEngine.ShellQuote(program)} {BackupEngine.ShellQuote(Path.Combine(AppContext.BaseDirectory, "backupcmdlets.dll"))} restore-walsegment"
            : $"{BackupEngine.ShellQuote(program)} restore-walsegment";
    }

    /// <summary>The restore_command part that fetches %f into %p from <paramref name="archive"/> with this executable (opening an encrypted archive with <paramref name="keyFile"/>).</summary>
    public static string FetchCommand(string archive, string? keyFile) =>
        $"{Launcher()} --name %f --destination-path %p --force --archive-path {BackupEngine.ShellQuote(archive)}"
        + (keyFile is null ? "" : $" --encryption-key-file {BackupEngine.ShellQuote(keyFile)}");
}
