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
    /// <summary>Each problem found, also written as a non-terminating error.</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>The folder compared against, when -Compare was given.</summary>
    public string? ComparedWith { get; init; }
}
