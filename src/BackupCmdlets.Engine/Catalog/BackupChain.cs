using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// Differential and incremental sets and the sets they build on: the parent a new one takes, the chain
/// from a full set to a given one (parents are sibling folders in the same repository), which earlier
/// set holds each part of a relation file, and the sets that build on a set.
/// </summary>
internal static class BackupChain
{
    /// <summary>One set of a chain: its folder and manifest.</summary>
    internal sealed record ChainedSet(string Path, BackupSetManifest Manifest);

    /// <summary>
    /// The set a new <paramref name="type"/> set of the cluster <paramref name="identity"/> builds on: the
    /// newest intact hot plain set (a full one for a differential); null when there is none.
    /// </summary>
    public static ChainedSet? NewestParent(string repository, string identity, BackupType type, Func<string, BackupSetManifest, bool> filesIntact)
    {
        string folder = Path.GetFullPath(repository);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        foreach (var set in BackupRepository.List(new GetBackupSetRequest(folder) { Engine = DatabaseEngine.PostgreSql, Kind = BackupKind.Hot }))
        {
            if (set.Status != BackupSetStatus.Complete || set.DatabaseIdentity != identity || type == BackupType.Differential && set.Type != BackupType.Full)
            {
                continue;
            }

            var manifest = ManifestStore.Read(set.Path);
            if (manifest.Archives.Count == 0 && manifest.StartPosition is not null && IsIntact(set.Path, manifest, filesIntact))
            {
                return new ChainedSet(set.Path, manifest);
            }
        }

        return null;
    }

    /// <summary>
    /// The chain from the full set to the set at <paramref name="setPath"/>, oldest first (one link for a
    /// full set). A parent that is missing, unreadable, of another cluster or not the one the child was
    /// compared with is a BackupChainBroken error.
    /// </summary>
    public static IReadOnlyList<ChainedSet> Resolve(string setPath, BackupSetManifest manifest)
    {
        var chain = new List<ChainedSet> { new(Path.GetFullPath(setPath), manifest) };
        string repository = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(chain[0].Path))!;
        var child = chain[0];
        while (child.Manifest.ParentSetId is { } parentId)
        {
            string parentPath = Path.Combine(repository, parentId);
            if (!BackupSetFolder.IsSetName(parentId) || !ManifestStore.Exists(parentPath) || chain.Any(l => l.Manifest.SetId == parentId))
            {
                throw Broken(child, $"its parent set {parentId} is not in '{repository}'");
            }

            BackupSetManifest parent;
            try
            {
                parent = ManifestStore.Read(parentPath);
            }
            catch (BackupException ex) when (ex.Error == Errors.BackupSetManifestUnreadable)
            {
                throw Broken(child, $"the manifest of its parent set {parentId} cannot be read");
            }

            if (parent.SetId != parentId || parent.Database.Identity != manifest.Database.Identity || parent.StartPosition != child.Manifest.ReferencePosition || parent.Status != BackupSetStatus.Complete)
            {
                throw Broken(child, $"the set {parentId} is not the parent it was made against (another cluster, another start position, or not complete)");
            }

            child = new ChainedSet(parentPath, parent);
            chain.Insert(0, child);
        }

        return chain;
    }

    /// <summary>
    /// How each relation file the chain's newest set stores as pages is rebuilt: the newest set that holds
    /// it whole, then the page delta of each later set, in order. The answer looks a path up; a path no
    /// set holds whole is a BackupChainBroken error.
    /// </summary>
    public static Func<string, (ChainedSet Base, IReadOnlyList<(ChainedSet Set, ManifestPageDelta Delta)> Deltas)> Layers(IReadOnlyList<ChainedSet> chain)
    {
        var whole = chain.Select(l => l.Manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal)).ToList();
        var deltas = chain.Select(l => l.Manifest.PageDeltas.ToDictionary(d => d.Path, StringComparer.Ordinal)).ToList();
        return path =>
        {
            var layers = new List<(ChainedSet, ManifestPageDelta)>();
            for (int i = chain.Count - 1; i >= 0; i--)
            {
                if (deltas[i].TryGetValue(path, out var delta))
                {
                    layers.Insert(0, (chain[i], delta));
                }
                else if (whole[i].Contains(path))
                {
                    return (chain[i], layers);
                }
                else
                {
                    break;
                }
            }

            throw Broken(chain[^1], $"no set of its chain holds '{path}' whole");
        };
    }

    /// <summary>The sets in <paramref name="setPath"/>'s repository that name it as their parent.</summary>
    public static IReadOnlyList<string> Dependants(string setPath, string setId)
    {
        string repository = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(setPath)))!;
        var dependants = new List<string>();
        foreach (string folder in Directory.EnumerateDirectories(repository).Where(d => BackupSetFolder.IsSetName(Path.GetFileName(d))))
        {
            try
            {
                if (ManifestStore.Exists(folder) && ManifestStore.Read(folder).ParentSetId == setId)
                {
                    dependants.Add(folder);
                }
            }
            catch (BackupException)
            {
                // An unreadable manifest names no parent that can be known.
            }
        }

        return [.. dependants.Order(StringComparer.Ordinal)];
    }

    /// <summary>The set's files are intact and so are those of every set it builds on.</summary>
    public static bool IsIntact(string setPath, BackupSetManifest manifest, Func<string, BackupSetManifest, bool> filesIntact)
    {
        try
        {
            return Resolve(setPath, manifest).All(link => filesIntact(link.Path, link.Manifest));
        }
        catch (BackupException)
        {
            return false;
        }
    }

    private static BackupException Broken(ChainedSet set, string why) =>
        new(Errors.BackupChainBroken, $"The set '{set.Path}' cannot be restored: {why}.", set.Path);
}
