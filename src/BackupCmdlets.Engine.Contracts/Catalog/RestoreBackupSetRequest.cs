namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Restore a set into <see cref="DestinationPath"/> (Restore-BackupSet). Tablespaces go back where they
/// were unless remapped by id or name. A recovery target stops WAL replay at a time or an LSN
/// (PostgreSQL hot sets).
/// </summary>
public sealed partial record RestoreBackupSetRequest(
    string Path,
    [property: FrontParameter("PostgreSQL: the new data directory (empty or absent). SQLite: the database file, or a folder for it.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    /// <summary>New locations for tablespaces, keyed by name or OID (each front takes them in its own form).</summary>
    public IReadOnlyDictionary<string, string> TablespaceMapping { get; init; } = new Dictionary<string, string>();

    [FrontParameter("Stop WAL replay at this time (a local time unless it says otherwise).")]
    public DateTimeOffset? RecoveryTargetTime { get; init; }

    [FrontParameter("Stop WAL replay at this LSN (like 0/3000060).")]
    public string? RecoveryTargetLsn { get; init; }

    [FrontParameter("PostgreSQL: the WAL archive recovery reads after the set's own WAL, so a recovery target may lie after the set.", Default = "the WAL archive the set recorded when it was made", IsPath = true)]
    public string? WalArchivePath { get; init; }

    [FrontParameter("PostgreSQL: what the restored server does with its WAL: Off (archives nothing, so a copy never writes into its source's archive), Keep (the set's archive settings, for a server restored in place of the lost one) or Redirect (into {ArchivePath}).", Default = "Off")]
    public RestoreArchiveMode ArchiveMode { get; init; } = RestoreArchiveMode.Off;

    [FrontParameter("PostgreSQL, with {ArchiveMode} Redirect: the folder the restored server archives its WAL into.", IsPath = true)]
    public string? ArchivePath { get; init; }

    [FrontParameter("Replace the contents of a non-empty destination. Never a data directory or tablespace a running server owns.")]
    public bool Force { get; init; }

    [FrontParameter("PostgreSQL: restore over an existing copy of the same cluster (its server stopped): files the set has with the same size and SHA-256 are left as they are, the others are written beside their name and renamed over it, and whatever the set does not have is removed. A destination of another cluster is refused. A plain set is compared file by file; a tar set is extracted whole. Map tablespaces as for the copy's first restore.")]
    public bool Delta { get; init; }

    [FrontParameter("How many files are copied at the same time.", Minimum = 1, Maximum = 256, Default = "one per core")]
    public int? ThrottleLimit { get; init; }

    [FrontParameter("The key file an encrypted set was made with (for a passphrase: -EncryptionKey in PowerShell, BACKUPCMDLETS_ENCRYPTION_KEY for the CLI).", IsPath = true)]
    public string? EncryptionKeyFile { get; init; }

    /// <summary>The passphrase an encrypted set was made with (the cmdlets' -EncryptionKey; the CLI's BACKUPCMDLETS_ENCRYPTION_KEY).</summary>
    public System.Security.SecureString? EncryptionKey { get; init; }

    /// <summary>
    /// Given a WAL archive folder, the sh command line that runs Restore-WalSegment to fetch %f from it into
    /// %p; set by the front that runs the restore (the CLI names itself, the cmdlet a CLI beside the module
    /// or on PATH, else pwsh with the module). A restore_command reads an archive that Backup-WalSegment
    /// fills through it; the second argument is the key file of an encrypted archive (null for one in the clear),
    /// which the command passes on. Null: <c>backupcmdlets restore-walsegment</c> found on the restored server's PATH.
    /// </summary>
    public Func<string, string?, string>? WalFetchCommand { get; init; }

    /// <summary>Stop recovery where the set becomes consistent (recovery_target = 'immediate'), as a trial restore does.</summary>
    internal bool RecoverToConsistency { get; init; }
}
