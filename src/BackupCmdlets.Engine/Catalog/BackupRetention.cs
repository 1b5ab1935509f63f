using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Remove-BackupSet: applies a retention policy to a repository and answers the sets it removed.
/// An incomplete set newer than the newest complete one may be a backup still running: it is kept.
/// </summary>
public static class BackupRetention
{
    /// <summary>The sets the policy would remove, newest first (nothing is deleted).</summary>
    public static IReadOnlyList<BackupSet> Plan(RemoveBackupSetRequest request)
    {
        if (request.KeepLast is null && request.OlderThan is null)
        {
            throw new BackupException(DatabaseErrorIds.InvalidRetention, ErrorKind.InvalidArgument, "Give -KeepLast, -OlderThan or both: without a rule nothing would be kept or removed.");
        }

        if (request.KeepLast is < 1)
        {
            throw new BackupException(DatabaseErrorIds.InvalidRetention, ErrorKind.InvalidArgument, "-KeepLast must be at least 1: the newest complete set is always kept.");
        }

        var sets = BackupRepository.List(new GetBackupSetRequest(request.Path));
        var complete = sets.Where(s => s.Status == BackupSetStatus.Complete).ToList();
        var newestValid = complete.FirstOrDefault();
        var keptByCount = request.KeepLast is { } n ? complete.Take(n).ToHashSet() : [];
        var cutoff = (request.Now ?? DateTimeOffset.UtcNow) - request.OlderThan;
        return [.. sets.Where(set =>
            set != newestValid
            && !(set.Status == BackupSetStatus.Incomplete && (newestValid is null || set.StartTime > newestValid.StartTime))
            && !(request.KeepLast is not null && keptByCount.Contains(set))
            && !(cutoff is { } c && set.StartTime >= c)
            && (request.KeepLast is not null || cutoff is not null))];
    }

    public static IReadOnlyList<BackupSet> Remove(RemoveBackupSetRequest request)
    {
        var removed = new List<BackupSet>();
        foreach (var set in Plan(request))
        {
            if (request.ShouldRemove(set))
            {
                RemoveSet(set);
                removed.Add(set);
            }
        }

        return removed;
    }

    /// <summary>Deletes one set folder, its manifest first: a removal cut short leaves an incomplete set, never one that looks complete.</summary>
    public static void RemoveSet(BackupSet set)
    {
        File.Delete(ManifestStore.PathIn(set.Path));
        Directory.Delete(set.Path, recursive: true);
    }
}
