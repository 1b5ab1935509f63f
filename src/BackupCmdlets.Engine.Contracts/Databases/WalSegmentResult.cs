namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One WAL file archived or fetched: the pipeline object of Backup-WalSegment and Restore-WalSegment.
/// <see cref="Bytes"/> is its plain length, <see cref="StoredBytes"/> the length of the file in the archive,
/// <see cref="Sha256"/> the SHA-256 of its plain content (lower-case hex).
/// </summary>
public sealed record WalSegmentResult(
    string Name,
    WalArchiveAction Action,
    string ArchiveFile,
    long Bytes,
    long StoredBytes,
    string Sha256,
    TimeSpan Duration)
{
    /// <summary>Restore-WalSegment: where the file was written.</summary>
    public string? DestinationPath { get; init; }
}
