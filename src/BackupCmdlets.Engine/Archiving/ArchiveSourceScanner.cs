using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Walks the paths to archive in a stable order (each folder before its contents, names in ordinal
/// order), without following symlinks, and turns each entry into a tar header: owners with names,
/// nanosecond times, hard links as links to the first name seen. Leaves out excluded names and
/// the archive being written; folders it cannot read become problems, not failures.
/// </summary>
internal sealed class ArchiveSourceScanner
{
    private readonly CreateArchiveRequest _request;
    private readonly IReadOnlyList<GlobPattern> _exclude;
    private readonly HashSet<string> _skipPaths;
    private readonly Func<(ulong Device, ulong Inode)?> _skipIdentity;
    private readonly Dictionary<(ulong, ulong), string> _firstNames = new();
    private readonly List<ItemProblem> _problems;

    public ArchiveSourceScanner(CreateArchiveRequest request, IReadOnlyList<GlobPattern> exclude, IEnumerable<string> skipPaths, Func<(ulong, ulong)?> skipIdentity, List<ItemProblem> problems)
    {
        _request = request;
        _exclude = exclude;
        _skipPaths = new HashSet<string>(skipPaths, StringComparer.Ordinal);
        _skipIdentity = skipIdentity;
        _problems = problems;
    }

    public IEnumerable<SourceEntry> Scan(CancellationToken cancellation)
    {
        foreach (string input in _request.Paths)
        {
            string full = Path.GetFullPath(input);
            string trimmed = full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full;
            string name;
            if (_request.BaseDirectory is { } baseDirectory)
            {
                string relative = Path.GetRelativePath(Path.GetFullPath(baseDirectory), trimmed).Replace('\\', '/');
                name = relative == "." ? "" : relative;
            }
            else
            {
                name = Path.GetFileName(trimmed);
            }

            foreach (var entry in Walk(trimmed, name, cancellation))
            {
                yield return entry;
            }
        }
    }

    private IEnumerable<SourceEntry> Walk(string path, string name, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (_skipPaths.Contains(path))
        {
            yield break;
        }

        FileMetadata? meta;
        try
        {
            meta = UnixFileSystem.TryLstat(path);
        }
        catch (IOException ex)
        {
            _problems.Add(new ItemProblem(path, ArchiveErrorIds.SourceFileUnreadable, ErrorKind.ReadError, $"Cannot read '{path}': {ex.Message}"));
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
        if (name.Length > 0 && (_exclude.Any(p => p.IsMatch(name, isDirectory)) || _request.Filter?.Invoke(name, meta.Kind) == false))
        {
            yield break;
        }

        if (meta.Kind == FileKind.Socket)
        {
            yield break;
        }

        if (name.Length > 0)
        {
            var header = ToHeader(path, name, meta);
            if (header is not null)
            {
                yield return new SourceEntry(path, header);
            }
        }

        if (!isDirectory)
        {
            yield break;
        }

        string[] children;
        try
        {
            children = Directory.GetFileSystemEntries(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _problems.Add(new ItemProblem(path, ArchiveErrorIds.SourceFileUnreadable, ErrorKind.ReadError, $"Cannot list folder '{path}': {ex.Message}"));
            yield break;
        }

        Array.Sort(children, StringComparer.Ordinal);
        foreach (string child in children)
        {
            string childName = Path.GetFileName(child);
            foreach (var entry in Walk(child, name.Length == 0 ? childName : $"{name}/{childName}", cancellation))
            {
                yield return entry;
            }
        }
    }

    private TarEntryHeader? ToHeader(string path, string name, FileMetadata meta)
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
                link = new FileInfo(path).LinkTarget ?? "";
            }
            catch (IOException ex)
            {
                _problems.Add(new ItemProblem(path, ArchiveErrorIds.SourceFileUnreadable, ErrorKind.ReadError, $"Cannot read link '{path}': {ex.Message}"));
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

        return new TarEntryHeader(
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
    }

    internal static ItemProblem Vanished(string path) =>
        new(path, ArchiveErrorIds.SourceFileVanished, ErrorKind.ObjectNotFound, $"'{path}' disappeared during the run and was left out.");
}
