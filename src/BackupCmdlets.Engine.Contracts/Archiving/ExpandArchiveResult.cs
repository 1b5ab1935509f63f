namespace BackupCmdlets.Engine.Archiving;

/// <summary>What Expand-TarArchive wrote, and the entries it refused or could not write.</summary>
public sealed record ExpandArchiveResult(
    string Path,
    string DestinationPath,
    long EntriesExtracted,
    long Files,
    long Directories,
    long SymbolicLinks,
    long HardLinks,
    long BytesWritten,
    long EntriesSkipped,
    IReadOnlyList<ItemProblem> Problems,
    TimeSpan Duration)
{
    /// <summary>Entries refused or not written (each also written as a non-terminating error).</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>With -Incremental: files and folders (each entry below a removed folder counted) removed because a dumpdir says they are gone.</summary>
    public long EntriesRemoved { get; init; }

    /// <summary>False when some entries were refused or failed.</summary>
    public bool Complete => Problems.Count == 0;
}
