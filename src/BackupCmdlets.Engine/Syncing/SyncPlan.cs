namespace BackupCmdlets.Engine.Syncing;

/// <summary>What a sync will do: the changes, the folders whose metadata is settled last, and the files too fresh to trust by their time stamps.</summary>
internal sealed record SyncPlan(
    IReadOnlyList<PlannedChange> Changes,
    IReadOnlyList<DirectoryVisit> Directories,
    IReadOnlyList<string> RacyFiles,
    long ItemsScanned,
    IReadOnlyList<ItemProblem> Problems)
{
    public int Deletions => Changes.Count(c => c.Action == SyncAction.Delete && c.CountsAsDeletion);
}
