using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Extracting;

/// <summary>
/// Applies a dumpdir to the destination, as GNU tar does when it extracts with --listed-incremental:
/// first the folder renames it records ('R' old path, 'T' new path, relative to the archive root; 'X' a
/// temporary folder for a cycle of renames), then, in its folder, the removal of every entry it does not
/// list, of a file it lists as a folder ('D') and of a folder it lists as a file ('Y'). Everything is
/// done by names in folders opened without following symlinks: a dumpdir can only keep names, never
/// point a removal elsewhere, and a folder removed is emptied by names inside it.
/// </summary>
internal sealed class DumpDirectoryApplier(DestinationTree tree, string archive, Action<ItemProblem> addProblem)
{
    /// <summary>Applies <paramref name="header"/>'s dumpdir to its folder, which exists (<paramref name="physicalPath"/> "" is the destination itself). Answers the entries removed.</summary>
    public long Apply(TarEntryHeader header, string physicalPath, DirectoryHandle parent, string name)
    {
        var names = header.DumpDirectory!;
        ApplyRenames(header, names);
        using var folder = parent.OpenDirectory(name);
        var marks = new Dictionary<string, DumpDirectoryMark>(StringComparer.Ordinal);
        foreach (var entry in names)
        {
            if (entry.Mark is DumpDirectoryMark.InArchive or DumpDirectoryMark.NotInArchive or DumpDirectoryMark.Directory)
            {
                marks[entry.Name] = entry.Mark;
            }
        }

        long removed = 0;
        foreach (var child in folder.List(physicalPath.Length == 0 ? "." : physicalPath))
        {
            bool isFolder = child.Metadata.Kind == FileKind.Directory;
            bool keep = marks.TryGetValue(child.Name, out var mark)
                && !(mark == DumpDirectoryMark.Directory && !isFolder)
                && !(mark == DumpDirectoryMark.InArchive && isFolder);
            if (keep)
            {
                continue;
            }

            try
            {
                removed += folder.DeleteTree(child.Name);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                string path = physicalPath.Length == 0 ? child.Name : $"{physicalPath}/{child.Name}";
                addProblem(new ItemProblem(header.Name, Errors.ExtractFailed, $"Could not remove '{path}', which the dumpdir of '{header.Name}' says is gone: {ex.Message}", header.Offset));
            }
        }

        if (removed > 0)
        {
            tree.Forget();
        }

        return removed;
    }

    private void ApplyRenames(TarEntryHeader header, IReadOnlyList<DumpDirectoryName> names)
    {
        string? temporary = null;
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i].Mark == DumpDirectoryMark.TemporaryFolder)
            {
                temporary = CreateTemporaryFolder(header, names[i].Name);
            }
            else if (names[i].Mark == DumpDirectoryMark.RenamedFrom && i + 1 < names.Count)
            {
                string? from = names[i].Name.Length == 0 ? temporary : EntryPath.Normalize(names[i].Name, archive);
                string? to = names[i + 1].Name.Length == 0 ? temporary : EntryPath.Normalize(names[i + 1].Name, archive);
                i++;
                if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
                {
                    throw EntryPath.Unsafe(header.Name, archive, "a folder rename in its dumpdir names the destination itself");
                }

                Rename(header, from, to);
            }
        }
    }

    private string CreateTemporaryFolder(TarEntryHeader header, string under)
    {
        string relative = EntryPath.Normalize(under, archive);
        string stub = (relative.Length == 0 ? "" : relative + "/") + TemporaryName.ForName("rename");
        using var location = tree.Locate(stub, header.Name, createFolders: true)!;
        location.Folder.CreateDirectory(location.Name, 0x1C0);
        return stub;
    }

    /// <summary>Renames the folder <paramref name="from"/> to <paramref name="to"/> (both below the destination), replacing an empty folder there, as rename(2) does.</summary>
    private void Rename(TarEntryHeader header, string from, string to)
    {
        using var source = tree.Locate(from, header.Name, createFolders: false);
        if (source?.Folder.TryStat(source.Name) is not { Kind: FileKind.Directory })
        {
            addProblem(new ItemProblem(header.Name, Errors.ExtractFailed, $"The folder '{from}', which the dumpdir of '{header.Name}' says was renamed to '{to}', is not in the destination.", header.Offset));
            return;
        }

        using var target = tree.Locate(to, header.Name, createFolders: true)!;
        var existing = target.Folder.TryStat(target.Name);
        if (existing is not null && existing.Kind != FileKind.Directory)
        {
            // The chain says a folder is there now: what the previous level put there is replaced, as the
            // dumpdir of that folder's parent would remove it anyway.
            target.Folder.Delete(target.Name);
            existing = null;
        }

        source.Folder.MoveTo(source.Name, target.Folder, target.Name, replace: existing is not null);
        tree.Forget();
    }
}
