using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>Checks the two folders of a sync before anything is read or written.</summary>
internal static class SyncPaths
{
    private const int SymlinkLoopErrno = 40;

    /// <summary>The source folder with symlinks resolved (a symlink to a folder counts as the folder, as for <c>rsync SOURCE/</c>).</summary>
    public static (string Path, FileMetadata Root) ResolveSource(string path)
    {
        string full = Path.GetFullPath(path);
        if (UnixFileSystem.TryLstat(full) is null)
        {
            throw new BackupException(Errors.SyncSourceNotFound, $"The source folder '{full}' does not exist.", full);
        }

        string real;
        try
        {
            real = UnixFileSystem.RealPath(full);
        }
        catch (IOException ex) when (ex.HResult == SymlinkLoopErrno)
        {
            throw new BackupException(Errors.SyncSourceSymlinkLoop, $"The source '{full}' is a symlink loop.", full, ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new BackupException(Errors.SyncSourceNotFound, $"The source '{full}' is a symlink to nothing.", full, ex);
        }

        var root = UnixFileSystem.Lstat(real);
        if (root.Kind != FileKind.Directory)
        {
            throw new BackupException(Errors.SyncSourceNotDirectory, $"The source '{full}' is a {root.Kind}, not a folder; Invoke-DeltaSync mirrors folders.", full);
        }

        return (real, root);
    }

    /// <summary>
    /// The destination folder (null metadata when it does not exist yet), refused when it is the source,
    /// inside it, or holds it: a mirror inside its own source would copy itself forever, and a source
    /// inside the mirror would be deleted by it.
    /// </summary>
    public static (string Path, FileMetadata? Root) ResolveDestination(string path, string source)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var existing = UnixFileSystem.TryLstat(full);
        string real = existing is null ? ResolveMissing(full) : UnixFileSystem.RealPath(full);
        var root = existing is null ? null : UnixFileSystem.Lstat(real);
        if (root is not null && root.Kind != FileKind.Directory)
        {
            throw new BackupException(Errors.SyncDestinationNotDirectory, $"The destination '{full}' exists and is a {root.Kind}, not a folder.", full);
        }

        if (IsSameOrInside(real, source))
        {
            throw new BackupException(Errors.SyncDestinationInsideSource, $"The destination '{full}' is the source '{source}' or inside it.", full);
        }

        if (IsSameOrInside(source, real))
        {
            throw new BackupException(Errors.SyncSourceInsideDestination, $"The source '{source}' is inside the destination '{full}'.", full);
        }

        return (real, root);
    }

    private static string ResolveMissing(string full)
    {
        string? parent = Path.GetDirectoryName(full);
        string name = Path.GetFileName(full);
        if (parent is null)
        {
            return full;
        }

        return Path.Join(UnixFileSystem.TryLstat(parent) is null ? ResolveMissing(parent) : UnixFileSystem.RealPath(parent), name);
    }

    private static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);
}
