namespace BackupCmdlets.Engine.Catalog;

/// <summary>The verdict of Test-BackupSet on one set: every file re-hashed, the WAL range checked, and with -Restore a trial restore.</summary>
public sealed record TestBackupSetResult(
    string Path,
    string SetId,
    BackupSetStatus Status,
    bool Passed,
    long FilesChecked,
    long BytesChecked,
    bool? RedoComplete,
    TimeSpan Duration,
    IReadOnlyList<ItemProblem> Problems)
{
    /// <summary>Each problem found, also written as a non-terminating error.</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init => field = ResultList.Of(value); } = ResultList.Of(Problems);

    /// <summary>The trial restore's verdict (-Restore); null when it was not asked for or the files did not pass.</summary>
    public RestoreTestResult? RestoreTest { get; init; }
}
