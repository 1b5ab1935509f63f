using System.Diagnostics;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Extracts an archive (Expand-TarArchive), safely by default: entries with absolute paths or
/// "..", and entries that would be written through a symlink leading out of the destination, are
/// refused; existing files are kept unless Force; owners and setuid/setgid bits only on request.
/// Each file is written under a temporary name and renamed when complete; small files are written
/// on several threads while the archive is read. Folder times are set last, deepest first.
/// </summary>
public sealed class ArchiveExtractor
{
    private const int SmallFileLimit = 1 << 20;
    private readonly ExpandArchiveRequest _request;
    private readonly string _archive;
    private readonly string _destination;
    private readonly IReadOnlyList<GlobPattern> _include;
    private readonly List<ItemProblem> _problems = [];
    private readonly Dictionary<string, Task> _pendingFiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _safeFolders = new(StringComparer.Ordinal) { "" };
    private readonly List<(string Path, TarEntryHeader Header)> _folders = [];
    private readonly SemaphoreSlim _writeSlots;
    private readonly WorkerThreads<bool> _writers;
    private readonly List<Task> _writes = [];
    private string _destinationReal = "";
    private long _files;
    private long _directories;
    private long _symlinks;
    private long _hardLinks;
    private long _bytesWritten;
    private long _skipped;

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
        PrepareDestination();
        var reader = new TarStreamReader(input.Tar);
        var throttle = new ProgressThrottle(progress);
        long entries = 0;
        try
        {
            while (reader.Next() is { } header)
            {
                cancellation.ThrowIfCancellationRequested();
                if (await ExtractEntry(header, reader, cancellation).ConfigureAwait(false))
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
            // No write outlives the run; when the read failed, its error is the one reported.
            await Task.WhenAll(_writes).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _writers.Dispose();
        }

        // A write fails the run unless it reported its failure as a problem (IO errors do).
        await Task.WhenAll(_writes).ConfigureAwait(false);
        ApplyFolderMetadata();
        return new ExpandArchiveResult(_archive, _destination, entries, _files, _directories, _symlinks, _hardLinks, _bytesWritten, _skipped, _problems, clock.Elapsed);
    }

    private void PrepareDestination()
    {
        if (File.Exists(_destination))
        {
            throw new BackupException(ArchiveErrorIds.DestinationIsFolder, ErrorKind.InvalidArgument, $"The destination '{_destination}' is a file, not a folder.", _destination);
        }

        if (!Directory.Exists(_destination))
        {
            string? parent = Path.GetDirectoryName(_destination);
            if (parent is null || !Directory.Exists(parent))
            {
                throw new BackupException(ArchiveErrorIds.DestinationFolderNotFound, ErrorKind.ObjectNotFound, $"The folder that should hold '{_destination}' does not exist.", _destination);
            }

            Directory.CreateDirectory(_destination);
        }

        _destinationReal = UnixFileSystem.RealPath(_destination);
    }

    private async Task<bool> ExtractEntry(TarEntryHeader header, TarStreamReader reader, CancellationToken cancellation)
    {
        string relative;
        try
        {
            relative = EntryPath.Normalize(header.Name, _archive);
            if (relative.Length == 0)
            {
                return false;
            }

            bool isFolder = header.Type == TarEntryType.Directory;
            if (_include.Count > 0 && !_include.Any(p => p.IsMatch(relative, isFolder)))
            {
                return false;
            }

            EnsureParentFolders(relative, create: true);
        }
        catch (BackupException ex)
        {
            AddProblem(new ItemProblem(header.Name, ex.ErrorId, ex.Kind, ex.Message, header.Offset));
            return false;
        }

        string target = Path.Combine(_destination, relative);
        try
        {
            var existing = UnixFileSystem.TryLstat(target);
            if (header.Type == TarEntryType.Directory)
            {
                return ExtractFolder(relative, target, header, existing);
            }

            if (existing is not null && !_request.Force)
            {
                AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.FileExists, ErrorKind.ResourceExists, $"'{target}' already exists; use -Force to replace it.", header.Offset));
                return false;
            }

            if (existing?.Kind == FileKind.Directory)
            {
                AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.FileExists, ErrorKind.ResourceExists, $"'{target}' is a folder and is not replaced by a {header.Type}.", header.Offset));
                return false;
            }

            if (_pendingFiles.TryGetValue(relative, out var earlier))
            {
                await earlier.ConfigureAwait(false);
            }

            InvalidateFolders(relative);
            switch (header.Type)
            {
                case TarEntryType.File:
                    await ExtractFile(relative, target, header, reader, cancellation).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    ReplaceWith(target, header, temporary => File.CreateSymbolicLink(temporary, header.LinkName), isLink: true);
                    _symlinks++;
                    break;
                case TarEntryType.HardLink:
                    return await ExtractHardLink(header, target).ConfigureAwait(false);
                case TarEntryType.Fifo:
                case TarEntryType.CharacterDevice:
                case TarEntryType.BlockDevice:
                    if (header.Type != TarEntryType.Fifo && !UnixFileSystem.IsRoot)
                    {
                        AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.UnsupportedEntry, ErrorKind.PermissionDenied, $"'{header.Name}' is a device node; only root can create it.", header.Offset));
                        return false;
                    }

                    var kind = header.Type switch { TarEntryType.Fifo => FileKind.Fifo, TarEntryType.CharacterDevice => FileKind.CharacterDevice, _ => FileKind.BlockDevice };
                    ReplaceWith(target, header, temporary => UnixFileSystem.CreateSpecialFile(temporary, kind, 0x180, header.DeviceMajor, header.DeviceMinor), isLink: false);
                    break;
            }

            return true;
        }
        catch (BackupException ex) when (ex.ErrorId is ArchiveErrorIds.UnsafeEntryPath or ArchiveErrorIds.SymlinkEscape or ArchiveErrorIds.ExtractFailed)
        {
            AddProblem(new ItemProblem(header.Name, ex.ErrorId, ex.Kind, ex.Message, header.Offset));
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.ExtractFailed, ErrorKind.WriteError, $"Could not write '{target}': {ex.Message}", header.Offset));
            return false;
        }
    }

    private bool ExtractFolder(string relative, string target, TarEntryHeader header, FileMetadata? existing)
    {
        if (existing is not null && existing.Kind != FileKind.Directory)
        {
            if (!_request.Force)
            {
                AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.FileExists, ErrorKind.ResourceExists, $"'{target}' exists and is not a folder; use -Force to replace it.", header.Offset));
                return false;
            }

            File.Delete(target);
            existing = null;
        }

        if (existing is null)
        {
            Directory.CreateDirectory(target);
        }

        _safeFolders.Add(relative);
        _folders.Add((target, header));
        _directories++;
        return true;
    }

    private async Task ExtractFile(string relative, string target, TarEntryHeader header, TarStreamReader reader, CancellationToken cancellation)
    {
        _files++;
        _bytesWritten += header.Size;
        if (header.Size > SmallFileLimit)
        {
            using var file = AtomicFileWriter.Create(target, bufferSize: 0, preallocate: header.Size, privateUntilCommit: true);
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = reader.ReadData(buffer)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                file.Stream.Write(buffer, 0, n);
            }

            file.Commit(_request.Force, durable: false, temporary => ApplyMetadata(temporary, header, isLink: false));
            return;
        }

        byte[] data = new byte[header.Size];
        int read = 0;
        while (read < data.Length)
        {
            read += reader.ReadData(data.AsSpan(read));
        }

        await _writeSlots.WaitAsync(cancellation).ConfigureAwait(false);
        var write = _writers.Start(() =>
        {
            try
            {
                using var file = AtomicFileWriter.Create(target, bufferSize: 0, privateUntilCommit: true);
                file.Stream.Write(data);
                file.Commit(_request.Force, durable: false, temporary => ApplyMetadata(temporary, header, isLink: false));
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.ExtractFailed, ErrorKind.WriteError, $"Could not write '{target}': {ex.Message}", header.Offset));
                return false;
            }
            finally
            {
                _writeSlots.Release();
            }
        });
        _pendingFiles[relative] = write;
        _writes.Add(write);
        if (_writes.Count > 4096)
        {
            // Failed writes stay, to be reported at the end.
            _writes.RemoveAll(t => t.IsCompletedSuccessfully);
            foreach (string path in _pendingFiles.Where(p => p.Value.IsCompletedSuccessfully).Select(p => p.Key).ToList())
            {
                _pendingFiles.Remove(path);
            }
        }
    }

    private async Task<bool> ExtractHardLink(TarEntryHeader header, string target)
    {
        string linkRelative = EntryPath.Normalize(header.LinkName, _archive);
        EnsureParentFolders(linkRelative, create: false);
        if (_pendingFiles.TryGetValue(linkRelative, out var pending))
        {
            await pending.ConfigureAwait(false);
        }

        string existing = Path.Combine(_destination, linkRelative);
        if (UnixFileSystem.TryLstat(existing) is not { Kind: not FileKind.Directory })
        {
            AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.ExtractFailed, ErrorKind.ObjectNotFound, $"'{header.Name}' is a hard link to '{header.LinkName}', which was not extracted.", header.Offset));
            return false;
        }

        string temporary = TemporaryName.For(target);
        UnixFileSystem.CreateHardLink(existing, temporary);
        MoveIntoPlace(temporary, target);
        _hardLinks++;
        return true;
    }

    private void ReplaceWith(string target, TarEntryHeader header, Action<string> create, bool isLink)
    {
        string temporary = TemporaryName.For(target);
        create(temporary);
        try
        {
            ApplyMetadata(temporary, header, isLink);
            MoveIntoPlace(temporary, target);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private void MoveIntoPlace(string temporary, string target)
    {
        try
        {
            UnixFileSystem.Rename(temporary, target, _request.Force);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private void ApplyMetadata(string path, TarEntryHeader header, bool isLink)
    {
        if (_request.PreserveOwner)
        {
            long uid = AccountNames.UserId(header.UserName) is var u and >= 0 ? u : header.UserId;
            long gid = AccountNames.GroupId(header.GroupName) is var g and >= 0 ? g : header.GroupId;
            UnixFileSystem.SetOwner(path, uid, gid);
        }

        if (!isLink)
        {
            UnixFileSystem.SetPermissions(path, _request.PreserveOwner ? header.Mode : header.Mode & ~0xC00);
        }

        UnixFileSystem.SetModifiedTime(path, header.ModifiedTime);
    }

    /// <summary>
    /// Makes sure every parent of <paramref name="relative"/> is a real folder inside the destination,
    /// creating missing ones; a parent that is a symlink may only lead to a folder inside it.
    /// </summary>
    private void EnsureParentFolders(string relative, bool create)
    {
        int slash = -1;
        while ((slash = relative.IndexOf('/', slash + 1)) >= 0)
        {
            string parent = relative[..slash];
            if (_safeFolders.Contains(parent))
            {
                continue;
            }

            string full = Path.Combine(_destination, parent);
            var meta = UnixFileSystem.TryLstat(full);
            if (meta is null)
            {
                if (!create)
                {
                    return;
                }

                Directory.CreateDirectory(full);
            }
            else if (meta.Kind == FileKind.SymbolicLink)
            {
                string real = UnixFileSystem.RealPath(full);
                if (real != _destinationReal && !real.StartsWith(_destinationReal + "/", StringComparison.Ordinal))
                {
                    throw new BackupException(ArchiveErrorIds.SymlinkEscape, ErrorKind.SecurityError, $"The entry '{relative}' was refused: its folder '{parent}' is a symlink to '{real}', outside the destination.", full);
                }

                if (!Directory.Exists(real))
                {
                    throw new BackupException(ArchiveErrorIds.ExtractFailed, ErrorKind.InvalidData, $"The entry '{relative}' was refused: '{parent}' is a symlink to '{real}', which is not a folder.", full);
                }
            }
            else if (meta.Kind != FileKind.Directory)
            {
                throw new BackupException(ArchiveErrorIds.ExtractFailed, ErrorKind.InvalidData, $"The entry '{relative}' was refused: '{parent}' is not a folder.", full);
            }

            _safeFolders.Add(parent);
        }
    }

    private void InvalidateFolders(string relative)
    {
        if (_safeFolders.Remove(relative))
        {
            _safeFolders.RemoveWhere(f => f.StartsWith(relative + "/", StringComparison.Ordinal));
        }
    }

    private void ApplyFolderMetadata()
    {
        for (int i = _folders.Count - 1; i >= 0; i--)
        {
            var (path, header) = _folders[i];
            try
            {
                if (UnixFileSystem.TryLstat(path)?.Kind == FileKind.Directory)
                {
                    ApplyMetadata(path, header, isLink: false);
                }
            }
            catch (IOException ex)
            {
                AddProblem(new ItemProblem(header.Name, ArchiveErrorIds.ExtractFailed, ErrorKind.WriteError, $"Could not set the metadata of '{path}': {ex.Message}", header.Offset));
            }
        }
    }

    private void AddProblem(ItemProblem problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
