namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>An archived redo log as v$archived_log lists it: it holds the redo from FirstScn up to (not including) NextScn.</summary>
internal sealed record OracleArchivedLog(long Thread, long Sequence, long FirstScn, long NextScn, string Path)
{
    public string SetPath => $"archivelog/{Thread}_{Sequence}_{System.IO.Path.GetFileName(Path)}";

    public string Name => $"{Thread}_{Sequence}";
}
