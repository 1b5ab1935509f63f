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
    /// <summary>False when some entries were refused or failed.</summary>
    public bool Complete => Problems.Count == 0;
}
