using System.CommandLine;
using BackupCmdlets.Cli.Commands;

namespace BackupCmdlets.Cli;

/// <summary>Every command of the CLI, by name. (A table, not a reflection scan: the CLI is compiled natively.)</summary>
internal static class CliCommandCatalog
{
    private static readonly Dictionary<string, Func<ICliCommand>> Commands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["demo"] = () => new DemoCommand(),
        ["New-TarArchive"] = () => new NewTarArchiveCommand(),
        ["Get-TarArchiveItem"] = () => new GetTarArchiveItemCommand(),
        ["Test-Archive"] = () => new TestArchiveCommand(),
        ["Expand-TarArchive"] = () => new ExpandTarArchiveCommand(),
        ["Invoke-DeltaSync"] = () => new InvokeDeltaSyncCommand(),
        ["Start-HotBackup"] = () => new StartHotBackupCommand(),
        ["Start-ColdBackup"] = () => new StartColdBackupCommand(),
        ["Get-BackupSet"] = () => new GetBackupSetCommand(),
        ["Test-BackupSet"] = () => new TestBackupSetCommand(),
        ["Restore-BackupSet"] = () => new RestoreBackupSetCommand(),
        ["Export-Database"] = () => new ExportDatabaseCommand(),
        ["Import-Database"] = () => new ImportDatabaseCommand(),
        ["Remove-BackupSet"] = () => new RemoveBackupSetCommand(),
        ["Test-DatafileBlock"] = () => new TestDatafileBlockCommand(),
        ["Backup-WalSegment"] = () => new BackupWalSegmentCommand(),
        ["Restore-WalSegment"] = () => new RestoreWalSegmentCommand(),
    };

    public static IEnumerable<Command> All() =>
        Commands.Values.Select(create => create().Build()).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The commands a command line needs: only the one its first word names when there is one, else
    /// all of them, for help and errors: building every command and its options is a noticeable part of
    /// a quick run's start-up on the .NET runtime.
    /// </summary>
    public static IEnumerable<Command> For(IReadOnlyList<string> args) =>
        args.Count > 0 && Commands.TryGetValue(args[0], out var create) ? [create().Build()] : All();

    /// <summary>A command named like the cmdlet, also answering to its lower-case name.</summary>
    public static Command Named(string cmdletName, string description)
    {
        var command = new Command(cmdletName, description);
        command.Aliases.Add(cmdletName.ToLowerInvariant());
        return command;
    }
}
