using BackupCmdlets.Engine.Archiving.Incremental;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// Walks the paths to archive in a stable order (each folder before its contents, names in ordinal
/// order), without following symlinks, and turns each entry into a tar header: owners with names,
/// nanosecond times, hard links as links to the first name seen. Every entry is looked up relative to
/// the open handle of its folder, so paths longer than the kernel's path calls take (PATH_MAX) are
/// archived like any other. Leaves out excluded names and the archive being written; sockets, and
/// folders it cannot read, become problems, not failures. In an incremental run (<see cref="IncrementalDump"/>)
/// each folder is listed before its header, which carries the dumpdir, and only what changed is walked;
/// a path equal to the base folder is then named "." (entries "./name", as <c>tar -C base .</c> names them),
/// so that the folder names of snapshot files match GNU tar's.
/// </summary>
internal sealed class ArchiveSourceScanner
{
    private readonly CreateArchiveRequest _request;
    private readonly IReadOnlyList<GlobPattern> _exclude;
    private readonly HashSet<string> _skipPaths;
    private readonly Func<(ulong Device, ulong Inode)?> _skipIdentity;
    private readonly Dictionary<(ulong, ulong), string> _firstNames = new();
    private readonly List<ItemProblem> _problems;
    private readonly IncrementalDump? _incremental;
    private HashSet<string>? _names;

    public ArchiveSourceScanner(CreateArchiveRequest request, IReadOnlyList<GlobPattern> exclude, IEnumerable<string> skipPaths, Func<(ulong, ulong)?> skipIdentity, List<ItemProblem> problems, IncrementalDump? incremental = null)
    {
        _incremental = incremental;
        _request = request;
        _exclude = exclude;
        _skipPaths = new HashSet<string>(skipPaths.Concat(request.SkipPaths), StringComparer.Ordinal);
        _skipIdentity = skipIdentity;
        _problems = problems;
    }

    public IEnumerable<SourceEntry> Scan(CancellationToken cancellation)
    {
        var (roots, trackNames) = Roots();
        if (trackNames)
        {
            _names = new HashSet<string>(StringComparer.Ordinal);
        }

        foreach (var (path, name) in roots)
        {
            using var parent = OpenParent(path, out string leaf);
            if (parent is null)
            {
                continue;
            }

            foreach (var entry in Walk(parent, leaf, path, name, null, cancellation))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// About how many tar bytes the walk will produce (headers and padded contents, links and long
    /// names not counted exactly), for progress; it walks the same paths with the same rules, reading
    /// metadata only. Files that change meanwhile make it an estimate, never a promise.
    /// </summary>
    public long EstimateTarBytes(CancellationToken cancellation)
    {
        long total = 0;
        foreach (var (path, name) in Roots().Roots)
        {
            using var parent = OpenParent(path, out string leaf, report: false);
            if (parent?.TryStat(leaf) is { } meta)
            {
                total += Estimate(parent, leaf, path, name, meta, cancellation);
            }
        }

        return total;
    }

    private long Estimate(DirectoryHandle folder, string leaf, string path, string name, FileMetadata meta, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        bool isDirectory = meta.Kind == FileKind.Directory;
        if (_skipPaths.Contains(path) || meta.Kind == FileKind.Socket
            || (name.Length > 0 && (_exclude.Any(p => p.IsMatch(name, isDirectory)) || _request.Filter?.Invoke(name, meta.Kind) == false)))
        {
            return 0;
        }

        long bytes = name.Length > 0 ? TarFormat.BlockSize + (meta.Kind == FileKind.File ? TarFormat.PaddedSize(meta.Size) : 0) : 0;
        if (!isDirectory)
        {
            return bytes;
        }

        try
        {
            using var directory = folder.OpenDirectory(leaf);
            foreach (var child in directory.List(path))
            {
                bytes += Estimate(directory, child.Name, Path.Combine(path, child.Name), name.Length == 0 ? child.Name : $"{name}/{child.Name}", child.Metadata, cancellation);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return bytes;
    }

    /// <summary>
    /// The folder holding a path to archive, opened by its own path (the caller chose it, symlinks on the
    /// way included, or its place in a snapshot), and the path's name in it ("." for "/"). Null, with a
    /// problem, when it is gone.
    /// </summary>
    private DirectoryHandle? OpenParent(string path, out string leaf, bool report = true)
    {
        string read = _request.ReadFrom?.Invoke(path) ?? path;
        string? parent = Path.GetDirectoryName(read);
        leaf = parent is null ? "." : Path.GetFileName(read);
        try
        {
            return DirectoryHandle.Open(parent ?? read);
        }
        catch (IOException) when (!report)
        {
            return null;
        }
        catch (IOException ex)
        {
            _problems.Add(ex is FileNotFoundException ? Vanished(path) : Unreadable(path, ex));
            return null;
        }
    }

    /// <summary>
    /// The paths to walk with their entry names. A path given twice, or inside the tree of another
    /// given path (not through a symlink), is walked once, as part of that tree. Names of paths inside
    /// the base directory are unique by construction; where some are not (a path outside it, stored
    /// under its absolute name; leaf names without a base), every name must be remembered (TrackNames)
    /// and a second file under a name already written is left out as a problem.
    /// </summary>
    private (List<(string Path, string Name)> Roots, bool TrackNames) Roots()
    {
        string? baseDirectory = _request.RelativeBasePath is { } b ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)) : null;
        var roots = new List<(string Path, string Name)>();
        bool outside = false;
        foreach (string input in _request.Paths)
        {
            string full = Path.GetFullPath(input);
            string trimmed = full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
            string name;
            if (baseDirectory is null)
            {
                name = Path.GetFileName(trimmed);
            }
            else
            {
                string relative = Path.GetRelativePath(baseDirectory, trimmed);
                bool inside = relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
                name = inside ? (relative == "." ? "" : relative) : trimmed.TrimStart('/');
                outside |= !inside;
            }

            roots.Add((trimmed, name.Length == 0 && _incremental is not null ? "." : name));
        }

        var given = roots.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = roots.Where(root => seen.Add(root.Path) && !InsideAnotherTree(root.Path, given)).ToList();
        return (kept, outside || (baseDirectory is null && kept.Count > 1));
    }

    /// <summary>True when a folder above <paramref name="path"/> is also given and a walk of it reaches the path (no symlink between).</summary>
    private static bool InsideAnotherTree(string path, HashSet<string> given)
    {
        for (string? folder = Path.GetDirectoryName(path); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (given.Contains(folder))
            {
                for (string? between = Path.GetDirectoryName(path); between is not null && between.Length > folder.Length; between = Path.GetDirectoryName(between))
                {
                    if (UnixFileSystem.TryLstat(between) is not { Kind: FileKind.Directory })
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        return false;
    }

    /// <param name="folder">The folder holding the entry, where it is looked up by <paramref name="leaf"/>, its name there.</param>
    /// <param name="path">Its full path, for problems and the paths to skip (it may be longer than the kernel's path calls take).</param>
    /// <param name="known">The entry's metadata when its folder's listing already has it.</param>
    /// <param name="parentWhole">In an incremental run: the parent folder is stored whole, so is this one.</param>
    private IEnumerable<SourceEntry> Walk(DirectoryHandle folder, string leaf, string path, string name, FileMetadata? known, CancellationToken cancellation, bool parentWhole = false)
    {
        cancellation.ThrowIfCancellationRequested();
        if (_skipPaths.Contains(path))
        {
            yield break;
        }

        FileMetadata? meta;
        try
        {
            meta = known ?? folder.TryStat(leaf);
        }
        catch (IOException ex)
        {
            _problems.Add(Unreadable(path, ex));
            yield break;
        }

        if (meta is null)
        {
            _problems.Add(Vanished(path));
            yield break;
        }

        if (_skipIdentity() is { } identity && meta.Device == identity.Device && meta.Inode == identity.Inode)
        {
            yield break;
        }

        bool isDirectory = meta.Kind == FileKind.Directory;
        if (IsExcluded(name, meta))
        {
            yield break;
        }

        if (meta.Kind == FileKind.Socket)
        {
            _problems.Add(new ItemProblem(path, Errors.SocketIgnored, $"'{path}': socket ignored (a socket exists only while its program runs; tar cannot store one)."));
            yield break;
        }

        if (name.Length > 0 && _names is not null && !_names.Add(name))
        {
            _problems.Add(new ItemProblem(path, Errors.EntryNameConflict, $"'{path}' would be stored as '{name}', a name the archive already holds for another file: it is left out."));
            yield break;
        }

        if (isDirectory && _incremental is not null)
        {
            foreach (var entry in WalkWithDumpDirectory(folder, leaf, path, name, meta, parentWhole, cancellation))
            {
                yield return entry;
            }

            yield break;
        }

        if (name.Length > 0)
        {
            var header = ToHeader(folder, leaf, path, name, meta);
            if (header is not null)
            {
                yield return header.Type is TarEntryType.File or TarEntryType.HardLink
                    ? new SourceEntry(path, header, folder.Duplicate(), leaf, meta.LinkCount)
                    : new SourceEntry(path, header);
            }
        }

        if (!isDirectory)
        {
            yield break;
        }

        DirectoryHandle directory;
        List<DirectoryEntry> children;
        try
        {
            directory = folder.OpenDirectory(leaf);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new ItemProblem(path, Errors.SourceFileUnreadable, $"Cannot list folder '{path}': {ex.Message}"));
            yield break;
        }

        using (directory)
        {
            try
            {
                children = directory.List(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _problems.Add(new ItemProblem(path, Errors.SourceFileUnreadable, $"Cannot list folder '{path}': {ex.Message}"));
                yield break;
            }

            children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var child in children)
            {
                foreach (var entry in Walk(directory, child.Name, Path.Combine(path, child.Name), name.Length == 0 ? child.Name : $"{name}/{child.Name}", child.Metadata, cancellation))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>
    /// An incremental run's folder: its contents are listed first, each marked as GNU tar marks it (a
    /// folder 'D', a changed file 'Y', an unchanged or left-out one 'N', so that a restore keeps it), the
    /// folder's header carries that list, and only folders and changed files are walked. A folder that
    /// cannot be listed is stored as a plain folder, without a list, and a restore removes nothing from it.
    /// </summary>
    private IEnumerable<SourceEntry> WalkWithDumpDirectory(DirectoryHandle folder, string leaf, string path, string name, FileMetadata meta, bool parentWhole, CancellationToken cancellation)
    {
        var incremental = _incremental!;
        DirectoryHandle? directory = null;
        List<DirectoryEntry>? children = null;
        try
        {
            directory = folder.OpenDirectory(leaf);
            children = directory.List(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            directory?.Dispose();
            directory = null;
            _problems.Add(new ItemProblem(path, Errors.SourceFileUnreadable, $"Cannot list folder '{path}': {ex.Message}"));
        }

        if (directory is null || children is null)
        {
            if (ToHeader(folder, leaf, path, name, meta) is { } plain)
            {
                yield return new SourceEntry(path, plain);
            }

            yield break;
        }

        using (directory)
        {
            children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var scope = incremental.Folder(name, meta, parentWhole);
            var names = new List<DumpDirectoryName>(children.Count);
            foreach (var child in children)
            {
                var mark = IsLeftOut(Path.Combine(path, child.Name), $"{name}/{child.Name}", child.Metadata) ? DumpDirectoryMark.NotInArchive
                    : child.Metadata.Kind == FileKind.Directory ? DumpDirectoryMark.Directory
                    : incremental.IsChanged(scope, child.Name, child.Metadata) ? DumpDirectoryMark.InArchive
                    : DumpDirectoryMark.NotInArchive;
                names.Add(new DumpDirectoryName(mark, child.Name));
            }

            incremental.Record(name, path, meta, names);
            if (ToHeader(folder, leaf, path, name, meta) is { } header)
            {
                yield return new SourceEntry(path, header.WithDumpDirectory(names));
            }

            for (int i = 0; i < children.Count; i++)
            {
                if (names[i].Mark == DumpDirectoryMark.NotInArchive)
                {
                    continue;
                }

                var child = children[i];
                foreach (var entry in Walk(directory, child.Name, Path.Combine(path, child.Name), $"{name}/{child.Name}", child.Metadata, cancellation, scope.Whole))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>True for an entry the walk leaves out without a problem: the archive itself, an excluded or filtered name.</summary>
    private bool IsLeftOut(string path, string name, FileMetadata meta) =>
        _skipPaths.Contains(path)
        || (_skipIdentity() is { } identity && meta.Device == identity.Device && meta.Inode == identity.Inode)
        || IsExcluded(name, meta);

    /// <summary>True when an -Exclude pattern or the caller's filter leaves the entry out; patterns see names without an incremental run's "./".</summary>
    private bool IsExcluded(string name, FileMetadata meta)
    {
        string plain = name == "." ? "" : name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
        return plain.Length > 0 && (_exclude.Any(p => p.IsMatch(plain, meta.Kind == FileKind.Directory)) || _request.Filter?.Invoke(plain, meta.Kind) == false);
    }

    private TarEntryHeader? ToHeader(DirectoryHandle folder, string leaf, string path, string name, FileMetadata meta)
    {
        var type = meta.Kind switch
        {
            FileKind.Directory => TarEntryType.Directory,
            FileKind.SymbolicLink => TarEntryType.SymbolicLink,
            FileKind.Fifo => TarEntryType.Fifo,
            FileKind.CharacterDevice => TarEntryType.CharacterDevice,
            FileKind.BlockDevice => TarEntryType.BlockDevice,
            _ => TarEntryType.File,
        };
        string link = "";
        if (type == TarEntryType.SymbolicLink)
        {
            try
            {
                link = folder.ReadLink(leaf);
            }
            catch (IOException ex)
            {
                _problems.Add(new ItemProblem(path, Errors.SourceFileUnreadable, $"Cannot read link '{path}': {ex.Message}"));
                return null;
            }
        }
        else if (type == TarEntryType.File && meta.LinkCount > 1)
        {
            var key = (meta.Device, meta.Inode);
            if (_firstNames.TryGetValue(key, out string? first))
            {
                type = TarEntryType.HardLink;
                link = first;
            }
            else
            {
                _firstNames[key] = name;
            }
        }

        var header = new TarEntryHeader(
            type == TarEntryType.Directory ? name + "/" : name,
            type,
            meta.Permissions,
            meta.UserId,
            meta.GroupId,
            AccountNames.UserName(meta.UserId),
            AccountNames.GroupName(meta.GroupId),
            type == TarEntryType.File ? meta.Size : 0,
            meta.ModifiedTime,
            link,
            meta.DeviceMajor,
            meta.DeviceMinor);

        return _request.Xattrs || _request.Acls ? header with { Xattrs = ReadXattrs(folder, leaf, path) } : header;
    }

    /// <summary>The entry's extended attributes and ACLs as the request asks to store them; a problem when they cannot be read.</summary>
    private EntryXattrs? ReadXattrs(DirectoryHandle folder, string leaf, string path)
    {
        try
        {
            return EntryXattrs.From(ExtendedAttributes.Read(folder.PathOf(leaf)), _request.Xattrs, _request.Acls);
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            _problems.Add(new ItemProblem(path, Errors.XattrsUnreadable, $"Cannot read the extended attributes or ACLs of '{path}' ({ex.Message}); it was stored without them."));
            return null;
        }    }

    internal static ItemProblem Unreadable(string path, Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException
        ? Vanished(path)
        : new ItemProblem(path, Errors.SourceFileUnreadable, $"Cannot read '{path}' ({ex.Message}); it was left out.");

    internal static ItemProblem Vanished(string path) =>
        new(path, Errors.SourceFileVanished, $"'{path}' disappeared during the run and was left out.");
}
