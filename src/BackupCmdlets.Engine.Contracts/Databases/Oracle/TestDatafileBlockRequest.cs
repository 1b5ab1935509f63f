namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Test-DatafileBlock: check every block of an Oracle datafile (or a copy of one). With a backup start
/// SCN the file is judged as a hot copy (bad blocks changed after that SCN are fractured, repairable);
/// without one, a copy inside an Oracle backup set is judged by its manifest (a hot set's start SCN of
/// that file, or cold), and any other file as a closed database's file (every bad block is corruption).
/// </summary>
public sealed record TestDatafileBlockRequest(string Path)
{
    /// <summary>The block size; null to read it from the file's header block (block 0).</summary>
    public int? BlockSize { get; init; }

    /// <summary>The SCN at which the hot backup of this file began; null to take it from the set's manifest, if any.</summary>
    public long? StartScn { get; init; }
}
