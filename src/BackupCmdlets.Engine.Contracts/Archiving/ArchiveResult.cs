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
    /// <summary>
    /// Entries that could not be stored as they were (each also written as a non-terminating error): files
    /// that could not be read or vanished (left out), files that changed while they were read (stored as
    /// read), sockets (left out), attributes that could not be read.
    /// </summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>Compressed size over uncompressed tar size (1.0 for no compression).</summary>
    public double Ratio => BytesIn == 0 ? 1.0 : Math.Round((double)BytesOut / BytesIn, 4);

    /// <summary>False when some entry has a problem: the archive is not a faithful copy of the source (the CLI exits 1).</summary>
    public bool Complete => Problems.Count == 0;

    public string? ChecksumPath { get; init; }

    /// <summary>The snapshot file written for the next incremental run, when -SnapshotPath was given.</summary>
    public string? SnapshotPath { get; init; }

    /// <summary>With -SnapshotPath: false for a full (level 0) dump, true when only changes since the snapshot were stored; null without one.</summary>
    public bool? Incremental { get; init; }

    /// <summary>The snapshots the sources were read from (-Snapshot), each with the time it was taken; empty without it.</summary>
    public IReadOnlyList<Snapshots.VolumeSnapshot> Snapshots { get; init => field = ResultList.Of(value); } = ResultList<Snapshots.VolumeSnapshot>.Empty;
}
