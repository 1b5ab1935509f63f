using BackupCmdlets.Engine;

namespace BackupCmdlets;

/// <summary>
/// The command a restored server's restore_command runs to fetch WAL from an archive Backup-WalSegment
/// fills, when the restore runs from PowerShell: the CLI (it starts in milliseconds) as <c>backupcmdlets</c>
/// in the module's folder, else on PATH; without one, pwsh importing this module and calling
/// Restore-WalSegment (a second or so per file; a failure still exits with 1): the pwsh on PATH, which the
/// server's user can run as a rule, else this session's own (a per-user install may be out of its reach).
/// Results are dropped, as the CLI prints none: they would go to the server log. An encrypted archive's key
/// file, when given, is passed on (a passphrase cannot be); an empty one (PowerShell's $null for a string) is none.
/// </summary>
internal static class WalFetchCommandLine
{
    public const string CliName = "backupcmdlets";

    public static Func<string, string?, string> For(string moduleBase)
    {
        if (FindCli(moduleBase) is { } cli)
        {
            return (archive, keyFile) => $"{BackupEngine.ShellQuote(cli)} restore-walsegment --name %f --destination-path %p --force --archive-path {BackupEngine.ShellQuote(archive)}"
                + (keyFile is not { Length: > 0 } ? "" : $" --encryption-key-file {BackupEngine.ShellQuote(keyFile)}");
        }

        string pwsh = FindOnPath("pwsh")
            ?? (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "pwsh" ? host : "pwsh");
        return (archive, keyFile) => $"{BackupEngine.ShellQuote(pwsh)} -NoProfile -NonInteractive -Command "
            + BackupEngine.ShellQuote($"Import-Module {PowerShellQuote(moduleBase)}; $null = Restore-WalSegment -Name %f -DestinationPath %p -Force -ArchivePath {PowerShellQuote(archive)}"
                + (keyFile is not { Length: > 0 } ? "" : $" -EncryptionKeyFile {PowerShellQuote(keyFile)}"));
    }

    private static string? FindCli(string moduleBase)
    {
        string beside = Path.Combine(moduleBase, CliName);
        return File.Exists(beside) ? beside : FindOnPath(CliName);
    }

    private static string? FindOnPath(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, program);
            if (Path.IsPathRooted(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string PowerShellQuote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
