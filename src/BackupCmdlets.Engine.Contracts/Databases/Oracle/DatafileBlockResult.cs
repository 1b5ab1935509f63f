using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// What Test-DatafileBlock found in one file: blocks read, checked, empty (never formatted, or block 0, the
/// file's OS header, which has no cache header), fractured (changed
/// during a hot copy: the archived redo repairs them) and corrupt, with the file and block of each finding.
/// <see cref="StartScn"/> is the hot backup start the file was judged against; null when judged as cold.
/// </summary>
public sealed record DatafileBlockResult(
    string Path,
    int BlockSize,
    long? StartScn,
    long Blocks,
    long Checked,
    long Empty,
    long Fractured,
    long Corrupt,
    TimeSpan Duration,
    IReadOnlyList<BlockFinding> Findings)
{
    /// <summary>No corrupt block (fractured blocks in a hot copy are expected).</summary>
    public bool IsValid => Corrupt == 0;

    public IReadOnlyList<BlockFinding> Findings { get; init => field = ResultList.Of(value); } = ResultList.Of(Findings);

    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList<ItemProblem>.Empty;
}
