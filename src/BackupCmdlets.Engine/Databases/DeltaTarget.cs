using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restore-BackupSet -Delta: brings an existing copy of the database to the set's contents by removing
/// what the set does not have and leaving what it has alone, so that only files that differ are
/// written (<see cref="RestoreTarget.DifferingAsync"/> compares each). Symlinks are removed as links,
/// never followed.
/// </summary>
internal static class DeltaTarget
{
    /// <summary>Removes every entry under <paramref name="target"/> that is not a folder or file of the set under <paramref name="setPrefix"/> (of the same kind; a file stored as pages is one of the set's); answers how many it removed.</summary>
    public static long Prune(string target, BackupSetManifest manifest, string setPrefix, CancellationToken cancellationToken)
    {
        string prefix = setPrefix + "/";
        var folders = manifest.Directories.Where(d => d.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(d => d.Path[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var files = manifest.Files.Select(f => f.Path).Concat(manifest.PageDeltas.Select(d => d.Path))
            .Where(path => path.StartsWith(prefix, StringComparison.Ordinal)).Select(path => path[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        return Prune(target, "", folders, files, cancellationToken);
    }

    private static long Prune(string folder, string relative, HashSet<string> folders, HashSet<string> files, CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var entry in UnixFileSystem.ReadDirectory(folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(folder, entry.Name);
            string name = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            switch (entry.Metadata.Kind)
            {
                case FileKind.Directory when folders.Contains(name):
                    removed += Prune(path, name, folders, files, cancellationToken);
                    break;
                case FileKind.Directory:
                    removed += RemoveTree(path);
                    break;
                case FileKind.File when files.Contains(name):
                    break;
                default:
                    UnixFileSystem.DeleteFile(path);
                    removed++;
                    break;
            }
        }

        return removed;
    }

    private static long RemoveTree(string folder)
    {
        long removed = 0;
        foreach (var entry in UnixFileSystem.ReadDirectory(folder))
        {
            string path = Path.Combine(folder, entry.Name);
            if (entry.Metadata.Kind == FileKind.Directory)
            {
                removed += RemoveTree(path);
            }
            else
            {
                UnixFileSystem.DeleteFile(path);
                removed++;
            }
        }

        UnixFileSystem.DeleteDirectory(folder);
        return removed + 1;
    }
}
