using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A backup set in a repository: the pipeline object of Start-HotBackup, Start-ColdBackup and Get-BackupSet.</summary>
public sealed record BackupSet(
    string Path,
    string SetId,
    DatabaseEngine? Engine,
    BackupKind? Kind,
    BackupSetStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? StopTime,
    long FileCount,
    long Bytes,
    string? DatabaseIdentity,
    string? ServerVersion,
    string? StartPosition,
    string? StopPosition,
    long BlocksChecked,
    long TornBlocks,
    long CorruptBlocks)
{
    public TimeSpan? Duration => StopTime - StartTime;

    /// <summary>Corrupt blocks and other findings of the run that made the set (empty for listed sets).</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList<ItemProblem>.Empty;
}
