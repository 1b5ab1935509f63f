using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Get-BackupSet: the sets in a repository folder, newest first. Only folders named as sets are sets
/// (<see cref="BackupSetFolder"/>); anything else kept beside them (a WAL archive, scripts,
/// lost+found) is neither listed nor touched. A set with a manifest is described by it (one that
/// cannot be read is listed as Unreadable, with the reason); one without is InProgress while the
/// process writing it lives, Incomplete otherwise. <c>Path</c> may also name one set.
/// </summary>
internal static class BackupRepository
{
    public static IReadOnlyList<BackupSet> List(GetBackupSetRequest request)
    {
        string path = System.IO.Path.GetFullPath(request.Path);
        if (!Directory.Exists(path))
        {
            throw new BackupException(Errors.BackupRepositoryNotFound, $"There is no backup repository at '{path}'.", path);
        }

        IEnumerable<string> folders = IsSet(path)
            ? [path]
            : Directory.EnumerateDirectories(path).Where(d => BackupSetFolder.IsSetName(System.IO.Path.GetFileName(d)));
        var sets = folders.Select(Describe);
        if (request.Engine is { } engine)
        {
            sets = sets.Where(s => s.Engine == engine);
        }

        if (request.Kind is { } kind)
        {
            sets = sets.Where(s => s.Kind == kind);
        }

        if (request.Since is { } since)
        {
            sets = sets.Where(s => s.StartTime >= since);
        }

        return [.. sets.OrderByDescending(s => s.StartTime).ThenByDescending(s => s.SetId, StringComparer.Ordinal)];
    }

    /// <summary>True when the folder is a backup set: named as one, or holding a manifest or an in-progress marker.</summary>
    public static bool IsSet(string folder) =>
        BackupSetFolder.IsSetName(System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder)))
        || ManifestStore.Exists(folder)
        || File.Exists(InProgressMarker.PathIn(folder));

    public static BackupSet Describe(string setPath)
    {
        if (ManifestStore.Exists(setPath))
        {
            try
            {
                return BackupSetDescription.FromManifest(setPath, ManifestStore.Read(setPath));
            }
            catch (BackupException ex) when (ex.Error == Errors.BackupSetManifestUnreadable)
            {
                return BackupSetDescription.Unreadable(setPath, new ItemProblem(setPath, ex.Error, ex.Message));
            }
        }

        var marker = InProgressMarker.TryRead(setPath);
        return marker is not null && marker.OwnerMayBeAlive()
            ? BackupSetDescription.WithoutManifest(setPath, BackupSetStatus.InProgress)
            : BackupSetDescription.WithoutManifest(setPath, BackupSetStatus.Incomplete);
    }
}
