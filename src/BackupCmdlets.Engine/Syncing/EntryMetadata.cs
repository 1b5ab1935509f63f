using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>Comparing and copying what rsync -a keeps besides the data: permission bits, owner and group, modification time.</summary>
internal static class EntryMetadata
{
    public static bool PermissionsDiffer(FileMetadata source, FileMetadata destination) =>
        source.Kind != FileKind.SymbolicLink && source.Permissions != destination.Permissions;

    public static bool OwnerDiffers(FileMetadata source, FileMetadata destination, bool owners) =>
        owners && (source.UserId != destination.UserId || source.GroupId != destination.GroupId);

    /// <summary>Null when nothing differs; else <see cref="SyncReason.Time"/> when only the time does, <see cref="SyncReason.Metadata"/> otherwise.</summary>
    public static SyncReason? Difference(FileMetadata source, FileMetadata destination, bool owners)
    {
        if (PermissionsDiffer(source, destination) || OwnerDiffers(source, destination, owners))
        {
            return SyncReason.Metadata;
        }

        return source.ModifiedTime != destination.ModifiedTime ? SyncReason.Time : null;
    }

    /// <summary>
    /// Gives <paramref name="path"/> the source's owner (first, since chown clears setuid bits),
    /// permissions and time, skipping what <paramref name="current"/> already has. Symlinks keep their
    /// permissions (Linux has none for them).
    /// </summary>
    public static void Apply(string path, FileMetadata source, FileMetadata? current, bool owners)
    {
        bool ownerSet = false;
        if (current is null ? owners : OwnerDiffers(source, current, owners))
        {
            UnixFileSystem.SetOwner(path, source.UserId, source.GroupId);
            ownerSet = true;
        }

        if (source.Kind != FileKind.SymbolicLink && (current is null || ownerSet || PermissionsDiffer(source, current)))
        {
            UnixFileSystem.SetPermissions(path, source.Permissions);
        }

        if (current is null || current.ModifiedTime != source.ModifiedTime)
        {
            UnixFileSystem.SetModifiedTime(path, source.ModifiedTime);
        }
    }
}
