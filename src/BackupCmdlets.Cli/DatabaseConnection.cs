using System.Net;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Cli;

/// <summary>
/// What a database backup takes from the CLI's environment rather than its options: the password comes
/// from the connection string, PGPASSWORD (read by Npgsql) or BACKUPCMDLETS_PASSWORD, never from an
/// option (command lines are visible to every user of the host); relative files in the connection
/// string are resolved against the working directory.
/// </summary>
internal static class DatabaseConnection
{
    public const string PasswordVariable = "BACKUPCMDLETS_PASSWORD";

    public static StartBackupRequest Complete(StartBackupRequest request) => request with
    {
        WorkingDirectory = Environment.CurrentDirectory,
        Credential = Credential(),
    };

    public static ExportDatabaseRequest Complete(ExportDatabaseRequest request) => request with
    {
        WorkingDirectory = Environment.CurrentDirectory,
        Credential = Credential(),
    };

    public static ImportDatabaseRequest Complete(ImportDatabaseRequest request) => request with
    {
        WorkingDirectory = Environment.CurrentDirectory,
        Credential = Credential(),
    };

    private static NetworkCredential? Credential() =>
        Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password ? new NetworkCredential("", password) : null;
}
