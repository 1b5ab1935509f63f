namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// A trial restore of a set (Test-BackupSet -Restore): whether the restored database came up
/// (PostgreSQL: the server started and recovered to <see cref="ConsistentAt"/>) and what its check
/// (<see cref="Check"/>: pg_amcheck, or SQLite's integrity_check) said of each database.
/// </summary>
public sealed record RestoreTestResult(
    bool Passed,
    string Check,
    IReadOnlyList<string> Databases,
    string? ConsistentAt,
    TimeSpan Duration,
    string Detail)
{
    /// <summary>The databases the check covered.</summary>
    public IReadOnlyList<string> Databases { get; init => field = ResultList.Of(value); } = ResultList.Of(Databases);

    public override string ToString() => $"{(Passed ? "Passed" : "Failed")}: {Check} on {Databases.Count} database(s)";
}
