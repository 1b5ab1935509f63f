namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Remove-BackupSet: applies a retention policy to a repository, or removes given sets, and answers
/// the sets it removed. See <see cref="RemoveBackupSetRequest"/> for what is never removed. Whether a
/// set's files are intact is the caller's check (<c>filesIntact</c>, the verifier's quick check): the
/// catalogue knows sets, not what each engine needs of them.
/// </summary>
internal static class BackupRetention
{
    /// <summary>The sets the policy would remove, newest first (nothing is deleted).</summary>
    public static IReadOnlyList<BackupSet> Plan(RemoveBackupSetRequest request, Func<string, BackupSetManifest, bool> filesIntact)
    {
        if (request.KeepLast is null && request.OlderThan is null)
        {
            throw new BackupException(Errors.InvalidRetentionPolicy, $"Give {ParameterNames.Of(nameof(RemoveBackupSetRequest.KeepLast))}, {ParameterNames.Of(nameof(RemoveBackupSetRequest.OlderThan))} or both: without a rule nothing would be kept or removed.");
        }

        string repository = Path.GetFullPath(request.Path);
        if (BackupRepository.IsSet(repository))
        {
            throw new BackupException(
                Errors.RepositoryIsBackupSet,
                $"'{repository}' is a backup set, not a repository: retention applies to the folder that holds the sets. To remove given sets, pipe them in without {ParameterNames.Of(nameof(RemoveBackupSetRequest.KeepLast))} or {ParameterNames.Of(nameof(RemoveBackupSetRequest.OlderThan))}.",
                repository);
        }

        var cutoff = (request.Now ?? DateTimeOffset.UtcNow) - request.OlderThan;
        var remove = new List<BackupSet>();
        foreach (var database in BackupRepository.List(new GetBackupSetRequest(repository)).GroupBy(s => (s.Engine, s.DatabaseIdentity, Logical: s.Kind == Databases.BackupKind.Logical)))
        {
            // Newest first; the intact ones are what the rules count. Exports are counted apart: a newer export must not cost a database its last restorable physical set.
            var sets = database.ToList();
            var intact = sets.Where(set => IsIntact(set, filesIntact)).ToList();
            var kept = new HashSet<BackupSet>(ReferenceEqualityComparer.Instance);
            if (intact.Count > 0)
            {
                kept.Add(intact[0]);
            }

            if (request.KeepLast is { } n)
            {
                kept.UnionWith(intact.Take(n));
            }

            var removable = sets.Where(set =>
                !kept.Contains(set)
                && set.Status is not (BackupSetStatus.InProgress or BackupSetStatus.Unreadable)
                && (set.Status != BackupSetStatus.Incomplete || request.IncludeIncomplete)
                && !(cutoff is { } c && set.StartTime >= c)).ToHashSet(ReferenceEqualityComparer.Instance);

            // A set that stays keeps every set it builds on: without them it could not be restored.
            var byId = sets.ToDictionary(s => s.SetId, StringComparer.Ordinal);
            foreach (var staying in sets.Where(s => !removable.Contains(s)))
            {
                for (var link = staying; link.ParentSetId is { } parentId && byId.TryGetValue(parentId, out var parent); link = parent)
                {
                    removable.Remove(parent);
                }
            }

            remove.AddRange(sets.Where(removable.Contains));
        }

        return [.. remove.OrderByDescending(s => s.StartTime).ThenByDescending(s => s.SetId, StringComparer.Ordinal)];
    }

    public static IReadOnlyList<BackupSet> Remove(RemoveBackupSetRequest request, Func<string, BackupSetManifest, bool> filesIntact)
    {
        var removed = new List<BackupSet>();
        foreach (var set in Plan(request, filesIntact))
        {
            if (request.ShouldRemove(set))
            {
                removed.Add(RemoveSet(set.Path));
            }
        }

        return removed;
    }

    /// <summary>
    /// Deletes one set folder, its manifest first: a removal cut short leaves an incomplete set, never
    /// one that looks complete. Refuses a folder that is not a set, and a set still being written
    /// (looked at again here, not trusted from an earlier listing).
    /// </summary>
    public static BackupSet RemoveSet(string setPath)
    {
        string path = Path.GetFullPath(setPath);
        if (!Directory.Exists(path))
        {
            throw new BackupException(Errors.BackupSetNotFound, $"There is no backup set at '{path}'.", path);
        }

        if (!BackupRepository.IsSet(path))
        {
            throw new BackupException(Errors.NotABackupSet, $"'{path}' is not a backup set (no set name, manifest or in-progress marker): it is not removed.", path);
        }

        var set = BackupRepository.Describe(path);
        if (set.Status == BackupSetStatus.InProgress)
        {
            string owner = InProgressMarker.TryRead(path)?.Describe() ?? "a running process";
            throw new BackupException(Errors.BackupSetInProgress, $"The set '{path}' is still being written by {owner}: it is not removed.", path);
        }

        if (BackupChain.Dependants(path, set.SetId) is { Count: > 0 } dependants)
        {
            throw new BackupException(
                Errors.BackupSetHasDependants,
                $"The set '{path}' is not removed: {dependants.Count} set(s) build on it and could not be restored without it ({string.Join(", ", dependants.Select(Path.GetFileName))}). Remove them first (newest first).",
                path);
        }

        File.Delete(ManifestStore.PathIn(path));
        Directory.Delete(path, recursive: true);
        return set;
    }

    private static bool IsIntact(BackupSet set, Func<string, BackupSetManifest, bool> filesIntact)
    {
        if (set.Status != BackupSetStatus.Complete)
        {
            return false;
        }

        try
        {
            return BackupChain.IsIntact(set.Path, ManifestStore.Read(set.Path), filesIntact);
        }
        catch (BackupException)
        {
            return false;
        }
    }
}
