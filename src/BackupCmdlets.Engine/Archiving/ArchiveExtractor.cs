using System.Diagnostics;
using BackupCmdlets.Engine.Archiving.Extracting;
using BackupCmdlets.Engine.Archiving.Reading;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Extracts an archive (Expand-TarArchive), safely by default: entries with absolute paths or "..",
/// and entries whose folder is reached through a symlink leading out of the destination, are refused;
/// existing files are kept unless Force; owners and setuid/setgid bits only on request. Every entry is
/// created relative to the handle of its folder as <see cref="DestinationTree"/> verified it, under a
/// temporary name renamed when complete, so a symlink changed meanwhile cannot redirect it; small files
/// are written on several threads while the archive is read. An entry that cannot be extracted is a
/// problem and the extraction goes on. Folder modes and times are set last, deepest first.
/// </summary>
internal sealed class ArchiveExtractor
{
    private const int SmallFileLimit = 1 << 20;
    private readonly ExpandArchiveRequest _request;
    private readonly string _archive;
    private readonly string _destination;
    private readonly IReadOnlyList<GlobPattern> _include;
    private readonly List<ItemProblem> _problems = [];

    // Small files still being written, by their path below the destination; each removes itself when done.
    private readonly Dictionary<string, Task> _pendingWrites = new(StringComparer.Ordinal);
    private readonly DeferredFolderMetadata _folders = new();
    private readonly SemaphoreSlim _writeSlots;
    private readonly WorkerThreads<bool> _writers;
    private long _files;
    private long _directories;
    private long _symlinks;
    private long _hardLinks;
    private long _bytesWritten;
    private long _skipped;
    private long _removed;

    private ArchiveExtractor(ExpandArchiveRequest request)
    {
        _request = request;
        _archive = Path.GetFullPath(request.Path);
        _destination = Path.GetFullPath(request.DestinationPath).TrimEnd('/');
        _include = GlobPattern.Compile(request.Include);
        int workers = Math.Max(1, request.ThrottleLimit ?? Environment.ProcessorCount);
        _writeSlots = new SemaphoreSlim(workers * 16);
        _writers = new WorkerThreads<bool>(Math.Max(2, workers * 2), "extract");
    }

    public static Task<ExpandArchiveResult> ExpandAsync(ExpandArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => new ArchiveExtractor(request).Run(progress, cancellationToken), cancellationToken);

    private async Task<ExpandArchiveResult> Run(IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var input = ArchiveInput.Open(_archive, Environment.ProcessorCount);
        using var tree = PrepareDestination();
        var reader = new TarStreamReader(input.Tar);
        var throttle = new ProgressThrottle(progress);
        long entries = 0;
        try
        {
            while (reader.Next(SkippedEntry) is { } header)
            {
                cancellation.ThrowIfCancellationRequested();
                if (await ExtractEntry(tree, header, reader, cancellation).ConfigureAwait(false))
                {
                    entries++;
                }
                else
                {
                    Interlocked.Increment(ref _skipped);
                }

                throttle.Report(() => new OperationProgress($"Extracting {Path.GetFileName(_archive)}", $"{entries} entries", header.Name, entries, null, input.CompressedPosition, input.CompressedLength));
            }

            input.DrainTrailingData();
        }
        finally
        {
            await WhenAllWrites().ConfigureAwait(false);
            _writers.Dispose();
        }

        _folders.ApplyAll(tree, AddProblem);
        return new ExpandArchiveResult(_archive, _destination, entries, _files, _directories, _symlinks, _hardLinks, _bytesWritten, _skipped, _problems, clock.Elapsed)
        {
            EntriesRemoved = _removed,
        };
    }

    private DestinationTree PrepareDestination()
    {
        if (File.Exists(_destination))
        {
            throw new BackupException(Errors.DestinationIsFolder, $"The destination '{_destination}' is a file, not a folder.", _destination);
        }

        if (!Directory.Exists(_destination))
        {
            string? parent = Path.GetDirectoryName(_destination);
            if (parent is null || !Directory.Exists(parent))
            {
                throw new BackupException(Errors.DestinationFolderNotFound, $"The folder that should hold '{_destination}' does not exist.", _destination);
            }

            Directory.CreateDirectory(_destination);
        }

        return new DestinationTree(_destination, WaitForWrite);
    }

    private void SkippedEntry(ItemProblem problem)
    {
        AddProblem(problem);
        Interlocked.Increment(ref _skipped);
    }

    private async Task<bool> ExtractEntry(DestinationTree tree, TarEntryHeader header, TarStreamReader reader, CancellationToken cancellation)
    {
        EntryLocation? location = null;
        try
        {
            string relative = EntryPath.Normalize(header.Name, _archive);
            // The destination itself matches no -Include pattern: with them, its dumpdir removes nothing.
            if (relative.Length == 0 && _request.Incremental && header.DumpDirectory is not null && _include.Count == 0)
            {
                await WhenAllWrites().ConfigureAwait(false);
                using var root = tree.OpenPhysical("")!;
                _removed += new DumpDirectoryApplier(tree, _archive, AddProblem).Apply(header, "", root, ".");
                _folders.Add("", root.TryStat(".")!, Permissions(header), header.ModifiedTime, Owner(header), header.Offset, XattrsToRestore(header));
                return true;
            }

            if (relative.Length == 0 || (_include.Count > 0 && !_include.Any(p => p.IsMatch(relative, header.Type == TarEntryType.Directory))))
            {
                return false;
            }

            location = tree.Locate(relative, header.Name, createFolders: true)!;
            await WhenWritten(location.PhysicalPath).ConfigureAwait(false);
            var existing = location.Folder.TryStat(location.Name);
            if (header.Type == TarEntryType.Directory)
            {
                if (!ExtractFolder(tree, location, header, existing))
                {
                    return false;
                }

                if (_request.Incremental && header.DumpDirectory is not null)
                {
                    await WhenAllWrites().ConfigureAwait(false);
                    _removed += new DumpDirectoryApplier(tree, _archive, AddProblem).Apply(header, location.PhysicalPath, location.Folder, location.Name);
                }

                return true;
            }

            if (existing is not null && !Replace)
            {
                AddProblem(new ItemProblem(header.Name, Errors.FileExists, $"'{Target(location)}' already exists; use {ParameterNames.Of(nameof(ExpandArchiveRequest.Force))} to replace it.", header.Offset));
                return false;
            }

            if (existing?.Kind == FileKind.Directory)
            {
                AddProblem(new ItemProblem(header.Name, Errors.FileExists, $"'{Target(location)}' is a folder and is not replaced by a {header.Type}.", header.Offset));
                return false;
            }

            if (existing is not null && existing.Kind != FileKind.File)
            {
                // A symlink or special file replaced: paths through its name may lead elsewhere now.
                tree.Forget();
            }

            switch (header.Type)
            {
                case TarEntryType.File:
                    _files++;
                    _bytesWritten += header.DataSize;
                    if (header.Sparse is { } map)
                    {
                        WriteFile(location, header, file => WriteSparseContent(file, map, reader, cancellation));
                    }
                    else if (header.Size > SmallFileLimit)
                    {
                        WriteFile(location, header, file => WriteLargeContent(file, header, reader, cancellation));
                    }
                    else
                    {
                        await StartSmallFile(location, header, reader, cancellation).ConfigureAwait(false);
                        location = null;
                    }

                    return true;
                case TarEntryType.SymbolicLink:
                    CreateAndMoveIntoPlace(
                        location,
                        temporary => location.Folder.CreateSymbolicLink(header.LinkName, temporary),
                        temporary => location.Folder.SetMetadata(temporary, null, header.ModifiedTime, Owner(header)));
                    tree.Forget();
                    _symlinks++;
                    return true;
                case TarEntryType.HardLink:
                    return await ExtractHardLink(tree, location, header).ConfigureAwait(false);
                default:
                    return ExtractSpecialFile(location, header);
            }
        }
        catch (BackupException ex) when (IsRefusal(ex.Error))
        {
            AddProblem(new ItemProblem(header.Name, ex.Error, ex.Message, ex.Offset ?? header.Offset));
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AddProblem(new ItemProblem(header.Name, Errors.ExtractFailed, $"Could not write '{header.Name}': {ex.Message}", header.Offset));
            return false;
        }
        finally
        {
            location?.Dispose();
        }
    }

    private static readonly ErrorDefinition[] Refusals =
        [Errors.UnsafeEntryPath, Errors.SymlinkEscape, Errors.DanglingSymlink, Errors.SymlinkLoop, Errors.ParentNotFolder, Errors.EntryNameTooLong, Errors.FolderChanged];

    private static bool IsRefusal(ErrorDefinition error) => Refusals.Contains(error);

    private bool ExtractFolder(DestinationTree tree, EntryLocation location, TarEntryHeader header, FileMetadata? existing)
    {
        if (existing is not null && existing.Kind != FileKind.Directory)
        {
            if (!Replace)
            {
                AddProblem(new ItemProblem(header.Name, Errors.FileExists, $"'{Target(location)}' exists and is not a folder; use {ParameterNames.Of(nameof(ExpandArchiveRequest.Force))} to replace it.", header.Offset));
                return false;
            }

            location.Folder.Delete(location.Name);
            tree.Forget();
            existing = null;
        }

        if (existing is null)
        {
            // Owner-only until its own mode is set at the end, when everything inside is written.
            location.Folder.CreateDirectory(location.Name, 0x1C0);
        }

        var identity = location.Folder.TryStat(location.Name);
        if (identity?.Kind != FileKind.Directory)
        {
            throw new BackupException(Errors.FolderChanged, $"The folder '{Target(location)}' was replaced while it was extracted.", header.Name);
        }

        _folders.Add(location.PhysicalPath, identity, Permissions(header), header.ModifiedTime, Owner(header), header.Offset, XattrsToRestore(header));
        _directories++;
        return true;
    }

    /// <summary>Reads a small file's content and queues its writing; once this returns, the writer owns <paramref name="location"/>.</summary>
    private async Task StartSmallFile(EntryLocation location, TarEntryHeader header, TarStreamReader reader, CancellationToken cancellation)
    {
        byte[] data = new byte[header.Size];
        int read = 0;
        while (read < data.Length)
        {
            read += reader.ReadData(data.AsSpan(read));
        }

        await _writeSlots.WaitAsync(cancellation).ConfigureAwait(false);
        string key = location.PhysicalPath;
        lock (_pendingWrites)
        {
            _pendingWrites[key] = _writers.Start(() =>
            {
                try
                {
                    WriteFile(location, header, file => RandomAccess.Write(file, data, 0));
                    return true;
                }
                catch (Exception ex)
                {
                    AddProblem(new ItemProblem(header.Name, Errors.ExtractFailed, $"Could not write '{header.Name}': {ex.Message}", header.Offset));
                    return false;
                }
                finally
                {
                    location.Dispose();
                    _writeSlots.Release();
                    lock (_pendingWrites)
                    {
                        _pendingWrites.Remove(key);
                    }
                }
            });
        }
    }

    private static void WriteLargeContent(SafeFileHandle file, TarEntryHeader header, TarStreamReader reader, CancellationToken cancellation)
    {
        UnixFileSystem.Preallocate(file, header.Size);
        byte[] buffer = new byte[1 << 20];
        long offset = 0;
        int n;
        while ((n = reader.ReadData(buffer)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            RandomAccess.Write(file, buffer.AsSpan(0, n), offset);
            offset += n;
        }
    }

    /// <summary>Writes each stored segment at its offset and sets the real size: what lies between stays a hole where the file system has them.</summary>
    private static void WriteSparseContent(SafeFileHandle file, SparseMap map, TarStreamReader reader, CancellationToken cancellation)
    {
        byte[] buffer = new byte[1 << 20];
        foreach (var (offset, length) in map.Segments)
        {
            for (long done = 0; done < length;)
            {
                cancellation.ThrowIfCancellationRequested();
                int n = reader.ReadData(buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)));
                RandomAccess.Write(file, buffer.AsSpan(0, n), offset + done);
                done += n;
            }
        }

        UnixFileSystem.SetLength(file, map.RealSize);
    }

    private async Task<bool> ExtractHardLink(DestinationTree tree, EntryLocation location, TarEntryHeader header)
    {
        string linkRelative = EntryPath.Normalize(header.LinkName, _archive);
        using var source = linkRelative.Length == 0 ? null : tree.Locate(linkRelative, header.Name, createFolders: false);
        if (source is not null)
        {
            await WhenWritten(source.PhysicalPath).ConfigureAwait(false);
        }

        if (source?.Folder.TryStat(source.Name) is not { Kind: not FileKind.Directory })
        {
            AddProblem(new ItemProblem(header.Name, Errors.HardLinkTargetMissing, $"'{header.Name}' is a hard link to '{header.LinkName}', which was not extracted.", header.Offset));
            return false;
        }

        CreateAndMoveIntoPlace(location, temporary => location.Folder.CreateHardLink(source.Folder, source.Name, temporary), _ => { });
        _hardLinks++;
        return true;
    }

    private bool ExtractSpecialFile(EntryLocation location, TarEntryHeader header)
    {
        if (header.Type != TarEntryType.Fifo && !UnixFileSystem.IsRoot)
        {
            AddProblem(new ItemProblem(header.Name, Errors.UnsupportedEntry, $"'{header.Name}' is a device node; only root can create it.", header.Offset));
            return false;
        }

        var kind = header.Type switch { TarEntryType.Fifo => FileKind.Fifo, TarEntryType.CharacterDevice => FileKind.CharacterDevice, _ => FileKind.BlockDevice };
        CreateAndMoveIntoPlace(
            location,
            temporary => location.Folder.CreateSpecialFile(temporary, kind, header.DeviceMajor, header.DeviceMinor),
            temporary =>
            {
                location.Folder.SetMetadata(temporary, Permissions(header), header.ModifiedTime, Owner(header));
                RestoreXattrs(header, (name, value) => ExtendedAttributes.Set(location.Folder.PathOf(temporary), name, value));
            });
        return true;
    }

    /// <summary>Creates a file under a temporary name in its folder, writes it, sets its metadata through its handle, then renames it into place.</summary>
    private void WriteFile(EntryLocation location, TarEntryHeader header, Action<SafeFileHandle> writeContent)
    {
        SafeFileHandle? file = null;
        CreateAndMoveIntoPlace(
            location,
            temporary => file = location.Folder.CreateFile(temporary, 0x180),
            _ =>
            {
                using (file)
                {
                    writeContent(file!);
                    UnixFileSystem.SetMetadata(file!, Permissions(header), header.ModifiedTime, Owner(header));
                    RestoreXattrs(header, (name, value) => ExtendedAttributes.Set(file!, header.Name, name, value));
                }
            });
    }

    /// <summary>
    /// Creates the entry under a fresh temporary name in its folder, finishes it there, and renames it over
    /// its name (an existing entry only with Force); a temporary this made is removed again on failure.
    /// </summary>
    private void CreateAndMoveIntoPlace(EntryLocation location, Action<string> create, Action<string> finish)
    {
        string temporary = TemporaryName.ForName(location.Name);
        create(temporary);
        try
        {
            finish(temporary);
            location.Folder.Rename(temporary, location.Name, Replace);
        }
        catch
        {
            try
            {
                location.Folder.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the name marks it as removable.
            }

            throw;
        }
    }

    /// <summary>
    /// The extended attributes and ACLs of an entry that the request asks to restore (none unless -Xattrs or
    /// -Acls); an ACL whose text is malformed is a problem, and the entry is extracted without them.
    /// </summary>
    private IReadOnlyList<(string Name, byte[] Value)> XattrsToRestore(TarEntryHeader header)
    {
        if (header.Xattrs is not { } xattrs || !(_request.Xattrs || _request.Acls))
        {
            return [];
        }

        try
        {
            return xattrs.ToRestore(_request.Xattrs, _request.Acls).ToList();
        }
        catch (FormatException ex)
        {
            AddProblem(XattrsNotRestored(header, ex));
            return [];
        }
    }

    /// <summary>Sets what <see cref="XattrsToRestore"/> answers; a failure is a problem, and the entry stays.</summary>
    private void RestoreXattrs(TarEntryHeader header, Action<string, byte[]> set)
    {
        try
        {
            foreach (var (name, value) in XattrsToRestore(header))
            {
                set(name, value);
            }
        }
        catch (IOException ex)
        {
            AddProblem(XattrsNotRestored(header, ex));
        }
    }

    private static ItemProblem XattrsNotRestored(TarEntryHeader header, Exception ex) =>
        new(header.Name, Errors.XattrsNotRestored, $"Could not restore the extended attributes or ACLs of '{header.Name}': {ex.Message}", header.Offset);

    /// <summary>Existing entries are replaced with -Force, and by the levels of an incremental chain.</summary>
    private bool Replace => _request.Force || _request.Incremental;

    private int Permissions(TarEntryHeader header) => _request.PreserveOwner ? header.Mode : header.Mode & ~0xC00;

    private (long UserId, long GroupId)? Owner(TarEntryHeader header)
    {
        if (!_request.PreserveOwner)
        {
            return null;
        }

        long uid = AccountNames.UserId(header.UserName) is var u and >= 0 ? u : header.UserId;
        long gid = AccountNames.GroupId(header.GroupName) is var g and >= 0 ? g : header.GroupId;
        return (uid, gid);
    }

    private string Target(EntryLocation location) => Path.Combine(_destination, location.PhysicalPath);

    /// <summary>Waits for a small file still being written at <paramref name="physicalPath"/>, before anything else uses that name.</summary>
    private Task WhenWritten(string physicalPath)
    {
        lock (_pendingWrites)
        {
            return _pendingWrites.TryGetValue(physicalPath, out var pending) ? pending : Task.CompletedTask;
        }
    }

    /// <summary>Blocks until a small file being written at <paramref name="physicalPath"/> is done; false when there is none.</summary>
    private bool WaitForWrite(string physicalPath)
    {
        var pending = WhenWritten(physicalPath);
        if (pending.IsCompleted)
        {
            return false;
        }

        pending.GetAwaiter().GetResult();
        return true;
    }

    private async Task WhenAllWrites()
    {
        Task[] pending;
        lock (_pendingWrites)
        {
            pending = [.. _pendingWrites.Values];
        }

        // Each write reports its own failure as a problem and never throws.
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private void AddProblem(ItemProblem problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
