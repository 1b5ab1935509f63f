namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Get-BackupSet: the sets in a repository folder, newest first. A sub-folder with a manifest is a
/// set as recorded; one without is reported as an incomplete set. <c>Path</c> may also name one set.
/// </summary>
public static class BackupRepository
{
    public static IReadOnlyList<BackupSet> List(GetBackupSetRequest request)
    {
        string path = System.IO.Path.GetFullPath(request.Path);
        if (!Directory.Exists(path))
        {
            throw new BackupException(Databases.DatabaseErrorIds.RepositoryNotFound, ErrorKind.ObjectNotFound, $"There is no backup repository at '{path}'.", path);
        }

        IEnumerable<string> folders = ManifestStore.Exists(path)
            ? [path]
            : Directory.EnumerateDirectories(path).Where(d => !IO.TemporaryName.IsTemporary(System.IO.Path.GetFileName(d)));
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

    public static BackupSet Describe(string setPath) =>
        ManifestStore.Exists(setPath) ? BackupSetDescription.FromManifest(setPath, ManifestStore.Read(setPath)) : BackupSetDescription.Incomplete(setPath);
}
