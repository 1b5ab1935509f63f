namespace BackupCmdlets.Engine.Catalog;

/// <summary>Which set Test-BackupSet verifies, and whether it also restores it on trial.</summary>
public sealed partial record TestBackupSetRequest(string Path)
{
    [FrontParameter("How many files are hashed at the same time.", Minimum = 1, Maximum = 256, Default = "one per core")]
    public int? ThrottleLimit { get; init; }

    [FrontParameter("The key file an encrypted set was made with (for a passphrase: -EncryptionKey in PowerShell, BACKUPCMDLETS_ENCRYPTION_KEY for the CLI): every chunk of every file is then authenticated and the content checked. Without a key, an encrypted set's stored files are still checked against their SHA-256, and ContentAuthenticated is false.", IsPath = true)]
    public string? EncryptionKeyFile { get; init; }

    /// <summary>The passphrase an encrypted set was made with (the cmdlets' -EncryptionKey; the CLI's BACKUPCMDLETS_ENCRYPTION_KEY).</summary>
    public System.Security.SecureString? EncryptionKey { get; init; }

    [FrontParameter("Also restore the set on trial once its files pass: into a new folder of {ScratchPath}, then PostgreSQL: start a server on it with a private socket and no TCP port, let it recover to the set's consistent point, and run pg_amcheck on every database; SQLite: PRAGMA integrity_check. The server is stopped and the folder removed afterwards, whatever happened. The verdict is the result's RestoreTest.")]
    public bool Restore { get; init; }

    [FrontParameter("With {Restore}: the folder the trial restore is made in (a new folder inside it, removed afterwards). It needs room for the whole database; when this process runs as root, the set's owner (the server's user) must be able to reach it.", Default = "the system's temporary folder", IsPath = true)]
    public string? ScratchPath { get; init; }
}
