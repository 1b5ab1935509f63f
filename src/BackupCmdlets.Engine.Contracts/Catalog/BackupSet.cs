using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A backup set in a repository: the pipeline object of Start-HotBackup, Start-ColdBackup and Get-BackupSet.</summary>
public sealed record BackupSet(
    string Path,
    string SetId,
    DatabaseEngine? Engine,
    BackupKind? Kind,
    BackupSetStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? StopTime,
    long FileCount,
    long Bytes,
    string? DatabaseIdentity,
    string? ServerVersion,
    string? StartPosition,
    string? StopPosition,
    long BlocksChecked,
    long TornBlocks,
    long CorruptBlocks)
{
    public TimeSpan? Duration => StopTime - StartTime;

    /// <summary>Full, or Differential/Incremental for a PostgreSQL set holding only the pages changed since its parent.</summary>
    public BackupType Type { get; init; } = BackupType.Full;

    /// <summary>The set a differential or incremental set builds on; null for a full set.</summary>
    public string? ParentSetId { get; init; }

    /// <summary>Why a full set was taken when a differential or incremental one was asked for; null otherwise.</summary>
    public string? FullBackupReason { get; init; }

    /// <summary>The interrupted set (cancelled, or its process killed) whose copied files this set took over where their source had not changed since; null when it read every file itself.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>How many files the backup took over from <see cref="ResumedFrom"/> instead of reading them again (the run's result only; 0 for listed sets).</summary>
    public long FilesResumed { get; init; }

    /// <summary>Plain (a copy of the files) or Tar (a tar per data directory and tablespace); null for an export.</summary>
    public BackupFormat? Format { get; init; }

    /// <summary>How the set's files (Plain: each on its own) or tars are compressed.</summary>
    public Archiving.ArchiveCompression Compression { get; init; }

    /// <summary>How the set's files are encrypted (AES-256-GCM/BCSEAL01); null for a set in the clear.</summary>
    public string? Encryption { get; init; }

    /// <summary>Corrupt blocks and other findings of the run that made the set (empty for listed sets).</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList<ItemProblem>.Empty;
}
