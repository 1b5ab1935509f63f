using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A restored set: the pipeline object of Restore-BackupSet.</summary>
public sealed record RestoreResult(
    string SetPath,
    string SetId,
    DatabaseEngine Engine,
    BackupKind Kind,
    string DestinationPath,
    long FileCount,
    long Bytes,
    bool RecoveryConfigured,
    string? RecoveryTarget,
    TimeSpan Duration)
{
    public IReadOnlyList<string> TablespaceLocations { get; init => field = ResultList.Of(value); } = ResultList<string>.Empty;

    /// <summary>PostgreSQL: what the restored server does with its WAL: "off", "kept" or "into &lt;folder&gt;".</summary>
    public string? Archiving { get; init; }

    /// <summary>PostgreSQL hot sets: the WAL archive recovery reads after the set's own WAL (null when none).</summary>
    public string? WalArchive { get; init; }

    /// <summary>-Delta: files already in the destination as the set has them, left as they were (not counted in FileCount).</summary>
    public long FilesUnchanged { get; init; }

    /// <summary>-Delta: files, links and folders of the destination that the set does not have, removed.</summary>
    public long EntriesRemoved { get; init; }
}
