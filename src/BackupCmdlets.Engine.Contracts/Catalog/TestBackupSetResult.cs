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

    /// <summary>Encrypted sets: true when every file was opened and authenticated with the key given, false when no key was given (the stored files were checked against their SHA-256 only); null for a set in the clear.</summary>
    public bool? ContentAuthenticated { get; init; }

    /// <summary>The trial restore's verdict (-Restore); null when it was not asked for or the files did not pass.</summary>
    public RestoreTestResult? RestoreTest { get; init; }
}
