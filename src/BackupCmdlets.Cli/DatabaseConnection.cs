using System.Net;
using System.Security;
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

    /// <summary>The passphrase of an encrypted set, when one is used instead of --encryption-key-file (never an option, for the reason above).</summary>
    public const string EncryptionKeyVariable = "BACKUPCMDLETS_ENCRYPTION_KEY";

    public static StartBackupRequest Complete(StartBackupRequest request) => request with
    {
        WorkingDirectory = Environment.CurrentDirectory,
        Credential = Credential(),
        EncryptionKey = EncryptionKey(),
    };

    /// <summary>The passphrase in <see cref="EncryptionKeyVariable"/>; null when it is unset or empty.</summary>
    public static SecureString? EncryptionKey()
    {
        if (Environment.GetEnvironmentVariable(EncryptionKeyVariable) is not { Length: > 0 } passphrase)
        {
            return null;
        }

        var secure = new SecureString();
        foreach (char c in passphrase)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

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
