namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Restore a set into <see cref="DestinationPath"/> (PostgreSQL: the new data directory; SQLite: the
/// database file, or a folder to put it in). Tablespaces go back where they were unless remapped by
/// id or name. A recovery target stops WAL replay at a time or an LSN (PostgreSQL hot sets).
/// </summary>
public sealed record RestoreBackupSetRequest(string Path, string DestinationPath)
{
    public IReadOnlyDictionary<string, string> TablespaceMapping { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? RecoveryTargetTime { get; init; }

    public string? RecoveryTargetLsn { get; init; }

    /// <summary>PostgreSQL: the WAL archive recovery reads past the set's own WAL; null for the one the set recorded.</summary>
    public string? WalArchivePath { get; init; }

    /// <summary>PostgreSQL: what the restored server does with its WAL (default Off: it archives nothing, so it cannot write into the source's archive).</summary>
    public RestoreArchiveMode ArchiveMode { get; init; } = RestoreArchiveMode.Off;

    /// <summary>PostgreSQL, with <see cref="RestoreArchiveMode.Redirect"/>: the folder the restored server archives its WAL into.</summary>
    public string? ArchivePath { get; init; }

    /// <summary>Restore into a non-empty destination, replacing what is there (never one a running server owns).</summary>
    public bool Force { get; init; }

    public int? ThrottleLimit { get; init; }
}
