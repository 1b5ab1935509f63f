namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Test-DatafileBlock: check every block of an Oracle datafile (or a copy of one). With a backup start
/// SCN the file is judged as a hot copy (bad blocks changed after that SCN are fractured, repairable);
/// without one, a copy inside an Oracle backup set is judged by its manifest (a hot set's start SCN of
/// that file, or cold), and any other file as a closed database's file (every bad block is corruption).
/// </summary>
public sealed partial record TestDatafileBlockRequest(string Path)
{
    [FrontParameter("The block size.", Allowed = [2048, 4096, 8192, 16384, 32768], Default = "read from the file's header block")]
    public int? BlockSize { get; init; }

    [FrontParameter("The SCN at which the hot backup of the file began: judge it as a hot copy from there.", Minimum = 0, Default = "from its set's manifest")]
    public long? StartScn { get; init; }
}
