using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Extended attributes and POSIX ACLs for a sync, as rsync -X and -A keep them: the destination entry
/// gets exactly the source's attributes of the kinds asked for (those missing in the source are
/// removed), ACLs as the kernel holds them. Symlinks are left alone (Linux keeps no user attributes or
/// ACLs on them). A failure to read or set them is reported as a problem of its own; the entry stays synced.
/// </summary>
internal sealed class XattrCopier(bool xattrs, bool acls, Action<ItemProblem> report)
{
    /// <summary>Null when neither kind is asked for.</summary>
    public static XattrCopier? For(SyncRequest request, Action<ItemProblem> report) =>
        request.Xattrs || request.Acls ? new XattrCopier(request.Xattrs, request.Acls, report) : null;

    /// <summary>True when the destination's attributes of the kinds asked for differ from the source's.</summary>
    public bool Differ(string sourcePath, string destinationPath, FileKind kind) =>
        kind != FileKind.SymbolicLink && !ExtendedAttributes.Same(Selected(sourcePath), Selected(destinationPath));

    /// <summary>Gives <paramref name="destinationPath"/> the source's attributes of the kinds asked for, and removes the others of those kinds.</summary>
    /// <param name="reportAs">The destination path problems name (<paramref name="destinationPath"/> may be a temporary).</param>
    public void Copy(string sourcePath, string destinationPath, FileKind kind, string reportAs)
    {
        if (kind == FileKind.SymbolicLink)
        {
            return;
        }

        try
        {
            var wanted = Selected(sourcePath);
            var present = Selected(destinationPath);
            foreach (string name in present.Keys.Where(n => !wanted.ContainsKey(n)))
            {
                ExtendedAttributes.Remove(destinationPath, name);
            }

            foreach (var (name, value) in wanted)
            {
                if (!present.TryGetValue(name, out byte[]? old) || !old.AsSpan().SequenceEqual(value))
                {
                    ExtendedAttributes.Set(destinationPath, name, value);
                }
            }
        }
        catch (IOException ex)
        {
            report(new ItemProblem(reportAs, Errors.SyncXattrsFailed, $"The extended attributes or ACLs could not be copied; the entry is synced without them: {ex.Message}"));
        }
    }

    private SortedDictionary<string, byte[]> Selected(string path)
    {
        var attributes = ExtendedAttributes.Read(path);
        foreach (string name in attributes.Keys.ToList())
        {
            bool acl = ExtendedAttributes.IsAcl(name);
            if (acl ? !acls : !(xattrs && ExtendedAttributes.IsRestorable(name)))
            {
                attributes.Remove(name);
            }
        }

        return attributes;
    }
}
