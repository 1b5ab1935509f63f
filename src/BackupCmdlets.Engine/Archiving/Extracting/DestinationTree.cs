using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Extracting;

/// <summary>
/// The extraction folder, held open, and the way every entry path is resolved below it: one name at a
/// time, each opened relative to the folder before it and never through a symlink (O_NOFOLLOW). A
/// symlink met on the way is read and its target walked the same way, lexically: ".." above the
/// destination, or an absolute target elsewhere, is an escape and refused. What comes back is an open
/// handle of the verified folder, so the check and the write act on the same folder, whatever happens
/// to the names that led to it afterwards.
/// </summary>
internal sealed class DestinationTree : IDisposable
{
    private const int MaxSymlinkHops = 40;
    private const int MaxAttempts = 8;
    private const int PathMax = 4096;
    private const int NameMax = 255;

    private readonly Func<string, bool> _waitForWrite;
    private readonly DirectoryHandle _root;
    private readonly string _path;
    private readonly string _realPath;
    private readonly int _pathBytes;

    // The folders of the last entry resolved, one per name of its path: the next entry in the same
    // folder (the usual archive order) starts where they end. Forgotten whenever a symlink is created
    // or a name that was not a file is replaced, since that can change where a path leads.
    private readonly List<Step> _chain = [];

    /// <param name="path">The destination folder, which exists.</param>
    /// <param name="waitForWrite">
    /// Waits for a file still being written at a path below the destination, answering whether there was
    /// one: a name that is not (yet) a folder is looked at again once it is written, as a sequential
    /// extraction would see it.
    /// </param>
    public DestinationTree(string path, Func<string, bool> waitForWrite)
    {
        _waitForWrite = waitForWrite;
        _root = DirectoryHandle.Open(path);
        _path = path;
        _realPath = UnixFileSystem.RealPath(path);
        _pathBytes = FileNameEncoding.GetByteCount(path);
    }

    /// <summary>
    /// Resolves the folders of <paramref name="relative"/> (a normalised entry path, see <see cref="EntryPath"/>)
    /// and answers where the entry goes. Missing folders named by the entry itself are created when
    /// <paramref name="createFolders"/>, else the answer is null; a folder missing behind a symlink is a
    /// dangling symlink. Every refusal is a <see cref="BackupException"/> naming <paramref name="entryName"/>.
    /// </summary>
    public EntryLocation? Locate(string relative, string entryName, bool createFolders)
    {
        string[] names = relative.Split('/');
        CheckLength(names, entryName);
        int kept = 0;
        while (kept < _chain.Count && kept < names.Length - 1 && _chain[kept].Name == names[kept])
        {
            kept++;
        }

        Truncate(kept);
        for (int i = kept; i < names.Length - 1; i++)
        {
            var (folder, physical) = Deepest;
            var next = Resolve(folder, physical, names[i], string.Join('/', names, 0, i + 1), entryName, createFolders);
            if (next is null)
            {
                return null;
            }

            _chain.Add(new Step(names[i], next.Value.Folder, next.Value.PhysicalPath));
        }

        var (parent, parentPath) = Deepest;
        return new EntryLocation(parent.Duplicate(), parentPath, names[^1]);
    }

    /// <summary>
    /// Opens a folder by its path below the destination without following any symlink at all; null when
    /// a name on the way is missing or is no longer a folder.
    /// </summary>
    public DirectoryHandle? OpenPhysical(string physicalPath)
    {
        var current = _root.Duplicate();
        if (physicalPath.Length == 0)
        {
            return current;
        }

        foreach (string name in physicalPath.Split('/'))
        {
            var next = current.TryOpenDirectory(name, out _);
            current.Dispose();
            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Drops the remembered folders: the next entry is resolved from the destination again.</summary>
    public void Forget() => Truncate(0);

    public void Dispose()
    {
        Truncate(0);
        _root.Dispose();
    }

    private (DirectoryHandle Folder, string PhysicalPath)? Resolve(DirectoryHandle start, string startPath, string name, string logical, string entryName, bool create)
    {
        var pending = new Stack<string>();
        pending.Push(name);
        DirectoryHandle current = start;
        DirectoryHandle? owned = null;
        string physical = startPath;
        int hops = 0;
        int attempts = 0;
        (string Path, string Target) link = default;
        try
        {
            while (pending.TryPop(out string? part))
            {
                if (part is "" or ".")
                {
                    continue;
                }

                if (part == "..")
                {
                    if (physical.Length == 0)
                    {
                        throw Escape(entryName, logical, link);
                    }

                    physical = physical.LastIndexOf('/') is var slash and >= 0 ? physical[..slash] : "";
                    var parent = OpenPhysical(physical) ?? throw Changed(entryName, logical);
                    owned?.Dispose();
                    current = owned = parent;
                    continue;
                }

                var child = current.TryOpenDirectory(part, out int errno);
                if (child is not null)
                {
                    owned?.Dispose();
                    current = owned = child;
                    physical = physical.Length == 0 ? part : $"{physical}/{part}";
                    attempts = 0;
                    continue;
                }

                if (++attempts > MaxAttempts)
                {
                    throw Changed(entryName, logical);
                }

                if (_waitForWrite(Join(physical, part)))
                {
                    pending.Push(part);
                    continue;
                }

                switch (errno)
                {
                    case NativeMethods.ENOENT when hops > 0:
                        throw Refused(Errors.DanglingSymlink, entryName, $"its folder '{logical}' is the symlink '{link.Path}' -> '{link.Target}', which leads nowhere");
                    case NativeMethods.ENOENT when !create:
                        return null;
                    case NativeMethods.ENOENT:
                        TryCreateDirectory(current, part);
                        pending.Push(part);
                        continue;
                    case NativeMethods.ELOOP or NativeMethods.ENOTDIR:
                        var meta = current.TryStat(part);
                        if (meta is null)
                        {
                            pending.Push(part);
                            continue;
                        }

                        if (meta.Kind != FileKind.SymbolicLink)
                        {
                            throw Refused(Errors.ParentNotFolder, entryName, $"'{Join(physical, part)}', on its path, is not a folder");
                        }

                        if (++hops > MaxSymlinkHops)
                        {
                            throw Refused(Errors.SymlinkLoop, entryName, $"its folder '{logical}' leads through more than {MaxSymlinkHops} symlinks (a loop at '{Join(physical, part)}')");
                        }

                        link = (Join(physical, part), current.ReadLink(part));
                        string target = link.Target;
                        if (target.StartsWith('/'))
                        {
                            target = BelowDestination(target) ?? throw Escape(entryName, logical, link);
                            owned?.Dispose();
                            owned = null;
                            current = _root;
                            physical = "";
                        }

                        string[] steps = target.Split('/');
                        for (int i = steps.Length - 1; i >= 0; i--)
                        {
                            pending.Push(steps[i]);
                        }

                        attempts = 0;
                        continue;
                    case NativeMethods.ENAMETOOLONG:
                        throw Refused(Errors.EntryNameTooLong, entryName, "a name on its path is too long");
                    default:
                        throw UnixFileSystem.ErrnoException(errno, Join(physical, part));
                }
            }

            var resolved = owned ?? current.Duplicate();
            owned = null;
            return (resolved, physical);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static void TryCreateDirectory(DirectoryHandle folder, string name)
    {
        try
        {
            folder.CreateDirectory(name, 0x1FF);
        }
        catch (IOException ex) when (ex.HResult == NativeMethods.EEXIST)
        {
            // Made meanwhile; opened on the next round like any other folder.
        }
    }

    /// <summary>The part of an absolute symlink target below the destination ("" for the destination itself); null when it leads elsewhere.</summary>
    private string? BelowDestination(string target)
    {
        foreach (string root in new[] { _realPath, _path })
        {
            if (target == root || target == root + "/")
            {
                return "";
            }

            if (target.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return target[(root.Length + 1)..];
            }
        }

        return null;
    }

    private void CheckLength(string[] names, string entryName)
    {
        int total = _pathBytes;
        foreach (string name in names)
        {
            int bytes = FileNameEncoding.GetByteCount(name);
            if (bytes > NameMax)
            {
                throw Refused(Errors.EntryNameTooLong, entryName, $"a name in it is {bytes} bytes long, more than the {NameMax} a file system allows");
            }

            total += 1 + bytes;
        }

        if (total >= PathMax)
        {
            throw Refused(Errors.EntryNameTooLong, entryName, $"its path in the destination would be {total} bytes long, more than the {PathMax - 1} the system allows");
        }
    }

    /// <summary>The last folder of the chain (the destination itself when the chain is empty) and its path.</summary>
    private (DirectoryHandle Folder, string PhysicalPath) Deepest => _chain.Count == 0 ? (_root, "") : (_chain[^1].Folder, _chain[^1].PhysicalPath);

    private void Truncate(int count)
    {
        for (int i = count; i < _chain.Count; i++)
        {
            _chain[i].Folder.Dispose();
        }

        _chain.RemoveRange(count, _chain.Count - count);
    }

    private static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";

    private static BackupException Escape(string entryName, string logical, (string Path, string Target) link) =>
        Refused(Errors.SymlinkEscape, entryName, $"its folder '{logical}' leads through the symlink '{link.Path}' -> '{link.Target}', outside the destination");

    private static BackupException Changed(string entryName, string logical) =>
        Refused(Errors.FolderChanged, entryName, $"its folder '{logical}' kept changing while it was checked");

    private static BackupException Refused(ErrorDefinition error, string entryName, string why) =>
        new(error, $"The entry '{entryName}' was refused because {why}; nothing was written for it.", entryName);

    private sealed record Step(string Name, DirectoryHandle Folder, string PhysicalPath);
}
