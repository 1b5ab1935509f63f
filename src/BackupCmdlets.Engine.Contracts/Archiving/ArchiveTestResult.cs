namespace BackupCmdlets.Engine.Archiving;

/// <summary>The verdict of Test-Archive: valid or not, what was read, and each problem found (entry, offset, what).</summary>
public sealed record ArchiveTestResult(
    string Path,
    ArchiveCompression Compression,
    bool IsValid,
    long EntriesRead,
    long BytesRead,
    bool? ChecksumFileMatched,
    IReadOnlyList<ItemProblem> Problems,
    TimeSpan Duration)
{
    /// <summary>The folder compared against, when -Compare was given.</summary>
    public string? ComparedWith { get; init; }
}
