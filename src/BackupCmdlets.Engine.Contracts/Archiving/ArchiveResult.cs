namespace BackupCmdlets.Engine.Archiving;

/// <summary>A written archive: the pipeline object of New-TarArchive.</summary>
public sealed record ArchiveResult(
    string Path,
    ArchiveCompression Compression,
    long EntryCount,
    long BytesIn,
    long BytesOut,
    string Sha256,
    TimeSpan Duration,
    IReadOnlyList<ItemProblem> Problems)
{
    /// <summary>Files that could not be read and were left out (each also written as a non-terminating error).</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>Compressed size over uncompressed tar size (1.0 for no compression).</summary>
    public double Ratio => BytesIn == 0 ? 1.0 : Math.Round((double)BytesOut / BytesIn, 4);

    /// <summary>False when some files could not be read and were left out.</summary>
    public bool Complete => Problems.Count == 0;

    public string? ChecksumPath { get; init; }
}
