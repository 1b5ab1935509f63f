using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Extracting;

/// <summary>
/// The modes, times (and owners) of extracted folders, set once everything inside them is written,
/// deepest first. All that is kept per folder is its path below the destination through no symlink,
/// its identity and the values to set; each folder is opened again along that path without following
/// any symlink, checked to be the same folder, and changed through that handle only.
/// </summary>
internal sealed class DeferredFolderMetadata
{
    private readonly List<Folder> _folders = [];

    /// <param name="physicalPath">The folder's path below the destination; "" for the destination itself.</param>
    /// <param name="attributes">Extended attributes and ACLs to set after the mode (a default ACL set earlier would be inherited by what is extracted into the folder).</param>
    public void Add(string physicalPath, FileMetadata identity, int mode, UnixTime modified, (long UserId, long GroupId)? owner, long offset, IReadOnlyList<(string Name, byte[] Value)> attributes) =>
        _folders.Add(new Folder(physicalPath, identity.Device, identity.Inode, mode, modified, owner, offset, attributes));

    public void ApplyAll(DestinationTree tree, Action<ItemProblem> report)
    {
        string? openPath = null;
        DirectoryHandle? open = null;
        try
        {
            for (int i = _folders.Count - 1; i >= 0; i--)
            {
                var folder = _folders[i];
                int slash = folder.PhysicalPath.LastIndexOf('/');
                string parentPath = slash < 0 ? "" : folder.PhysicalPath[..slash];
                if (parentPath != openPath)
                {
                    open?.Dispose();
                    open = tree.OpenPhysical(parentPath);
                    openPath = parentPath;
                }

                try
                {
                    string name = folder.PhysicalPath.Length == 0 ? "." : folder.PhysicalPath[(slash + 1)..];
                    if (open is null || !TryApply(open, name, folder, report))
                    {
                        report(new ItemProblem(folder.PhysicalPath, Errors.FolderChanged, $"The folder '{folder.PhysicalPath}' was moved or replaced during the extraction; its mode and time were not set.", folder.Offset));
                    }
                }
                catch (IOException ex)
                {
                    report(new ItemProblem(folder.PhysicalPath, Errors.ExtractFailed, $"Could not set the mode and time of the folder '{folder.PhysicalPath}': {ex.Message}", folder.Offset));
                }
            }
        }
        finally
        {
            open?.Dispose();
        }

        _folders.Clear();
    }

    private static bool TryApply(DirectoryHandle parent, string name, Folder folder, Action<ItemProblem> report)
    {
        try
        {
            using var handle = parent.OpenDirectoryForMetadata(name);
            var now = UnixFileSystem.Stat(handle);
            if (now.Device != folder.Device || now.Inode != folder.Inode)
            {
                return false;
            }

            UnixFileSystem.SetMetadata(handle, folder.Mode, folder.Modified, folder.Owner);
            try
            {
                foreach (var (attribute, value) in folder.Attributes)
                {
                    ExtendedAttributes.Set(handle, folder.PhysicalPath, attribute, value);
                }
            }
            catch (IOException ex)
            {
                report(new ItemProblem(folder.PhysicalPath, Errors.XattrsNotRestored, $"Could not restore the extended attributes or ACLs of the folder '{folder.PhysicalPath}': {ex.Message}", folder.Offset));
            }

            return true;
        }
        catch (IOException ex) when (ex is FileNotFoundException || ex.HResult is NativeMethods.ELOOP or NativeMethods.ENOTDIR)
        {
            return false;
        }
    }

    private sealed record Folder(string PhysicalPath, ulong Device, ulong Inode, int Mode, UnixTime Modified, (long UserId, long GroupId)? Owner, long Offset, IReadOnlyList<(string Name, byte[] Value)> Attributes);
}
