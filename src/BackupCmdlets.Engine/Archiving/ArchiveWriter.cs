using System.Buffers;
using System.Diagnostics;
using BackupCmdlets.Engine.Archiving.Creating;
using BackupCmdlets.Engine.Archiving.Incremental;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Writes a tar archive (New-TarArchive): scans the sources, reads small files ahead in parallel,
/// lays the tar stream into chunks that are compressed on every core, and writes everything under a
/// temporary name that gets the final name only once complete and flushed.
/// </summary>
internal static class ArchiveWriter
{
    private const int ReadAheadEntries = 256;
    private const long ReadAheadBytes = 64L << 20;

    public static Task<ArchiveResult> CreateAsync(CreateArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Create(request, progress, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// A destination that fills up, wherever in the run (a chunk, the flush, the .sha256), stops the run
    /// with one error; by then every temporary is removed and nothing new carries the archive's name.
    /// </summary>
    private static ArchiveResult Create(CreateArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        string destination = Path.GetFullPath(request.DestinationPath);
        try
        {
            return Write(request, destination, progress, cancellation);
        }
        catch (IOException ex) when (UnixFileSystem.IsDiskFull(ex))
        {
            throw new BackupException(
                Errors.DestinationFull,
                $"No space left for the archive '{destination}' ({ex.Message}): the run stopped, its temporary files were removed, and nothing new was written under the archive's name.",
                destination,
                ex);
        }
    }

    private static ArchiveResult Write(CreateArchiveRequest request, string destination, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var (compression, level) = CheckRequest(request, destination);
        int workers = Math.Max(1, request.ThrottleLimit ?? Environment.ProcessorCount);
        var exclude = GlobPattern.Compile(request.Exclude);
        var problems = new List<ItemProblem>();
        var throttle = new ProgressThrottle(progress);
        string activity = $"Creating {Path.GetFileName(destination)}";
        string checksumPath = destination + ".sha256";
        string? snapshotPath = request.SnapshotPath is null ? null : Path.GetFullPath(request.SnapshotPath);
        var incremental = snapshotPath is null ? null : new IncrementalDump(ReadSnapshot(snapshotPath), UnixFileSystem.FileTimeClock(), !request.NoCheckDevice);

        // Buffers for files read ahead, one pool per archive (nothing stays allocated afterwards): up to
        // ReadAheadEntries are in use at once, more of one size than the shared pool keeps, so with the
        // shared pool most of them would be allocated anew.
        var buffers = ArrayPool<byte>.Create(ArchiveEntryWriter.SmallFileLimit + 1, ReadAheadEntries);
        using var file = AtomicFileWriter.Create(destination, bufferSize: 0);
        var temporary = UnixFileSystem.Lstat(file.TemporaryPath);
        var output = new ArchiveOutput(file.Stream, compression, level, workers, cancellation, request.ManagedBzip2);
        var tar = new TarChunkWriter(output);
        var entryWriter = new ArchiveEntryWriter(tar, problems, buffers, request.BeforeFileOpen, request.InspectContent, cancellation);
        long entries = 0;
        string sha256;
        using var estimating = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Task<long>? estimate = null;
        try
        {
            var scanner = new ArchiveSourceScanner(
                request,
                exclude,
                snapshotPath is null ? [destination, file.TemporaryPath, checksumPath] : [destination, file.TemporaryPath, checksumPath, snapshotPath],
                () => (temporary.Device, temporary.Inode),
                problems,
                incremental);
            // The total for progress comes from a walk of metadata beside the real one; only when someone listens.
            estimate = progress is null ? null : Task.Run(() => scanner.EstimateTarBytes(estimating.Token), estimating.Token);
            long? Total() => estimate is { IsCompletedSuccessfully: true } ? Math.Max(estimate.Result, tar.Position) : null;
            void Report(string? current) =>
                throttle.Report(() => new OperationProgress(activity, $"{entries} entries, {tar.Position / (1 << 20)} MiB", current, entries, null, tar.Position, Total()));
            using var readAhead = new WorkerThreads<FileContent>(Math.Clamp(workers, 2, 4), "read-ahead");
            var window = new Queue<(SourceEntry Entry, Task<FileContent>? Content)>();
            long bytesAhead = 0;
            using var source = scanner.Scan(cancellation).GetEnumerator();
            bool more = true;
            try
            {
                while (true)
                {
                    while (more && window.Count < ReadAheadEntries && bytesAhead < ReadAheadBytes)
                    {
                        more = source.MoveNext();
                        if (more)
                        {
                            var entry = source.Current;
                            bool small = entry.Header.Type == TarEntryType.File && entry.Header.Size <= ArchiveEntryWriter.SmallFileLimit;
                            window.Enqueue((entry, small ? readAhead.Start(() => ArchiveEntryWriter.ReadAhead(entry, request.BeforeFileOpen, request.InspectContent, buffers)) : null));
                            bytesAhead += small ? entry.Header.Size : 0;
                        }
                    }

                    if (!window.TryPeek(out var next))
                    {
                        break;
                    }

                    cancellation.ThrowIfCancellationRequested();
                    var content = next.Content?.GetAwaiter().GetResult();
                    window.Dequeue();
                    bytesAhead -= next.Content is null ? 0 : next.Entry.Header.Size;
                    using (next.Entry)
                    {
                        if (!entryWriter.Write(next.Entry, content, () => Report(next.Entry.Header.Name)))
                        {
                            continue;
                        }
                    }

                    entries++;
                    Report(next.Entry.Header.Name);
                }
            }
            finally
            {
                // After a failure: what was read ahead and not written gives back its buffer and its files.
                readAhead.Cancel();
                foreach (var (entry, content) in window)
                {
                    if (content is { IsCompletedSuccessfully: true })
                    {
                        ArchiveEntryWriter.Release(content.Result, buffers);
                    }

                    entry.Dispose();
                }
            }

            tar.Finish();
            sha256 = output.Complete();
        }
        catch
        {
            tar.Discard();
            output.Abort();
            throw;
        }
        finally
        {
            // The estimate only served progress: stop it, and let no walk outlive the archive.
            estimating.Cancel();
            try
            {
                estimate?.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }
        }

        cancellation.ThrowIfCancellationRequested();

        // The .sha256 is written and flushed before the archive gets its name: a disk too full for it
        // leaves the previous archive and its .sha256 as they were, never a new archive beside an old sum.
        using var checksum = request.Checksum ? WriteChecksumFile(checksumPath, Path.GetFileName(destination), sha256) : null;
        if (incremental is not null)
        {
            foreach (var problem in problems)
            {
                incremental.StoreNextTime(problem.Path);
            }
        }

        using var snapshot = incremental is null ? null : WriteSnapshotFile(snapshotPath!, incremental.ToSnapshot());
        file.Commit(overwrite: request.Force);
        checksum?.Commit(overwrite: true);

        // Last, once the archive carries its name: a run that failed before leaves the previous snapshot,
        // so the next run stores again what this one would have.
        snapshot?.Commit(overwrite: true);
        throttle.Report(() => new OperationProgress(activity, "Done", null, entries, entries, tar.Position, tar.Position), force: true);
        return new ArchiveResult(destination, compression, entries, tar.Position, output.BytesOut, sha256, clock.Elapsed, problems)
        {
            ChecksumPath = checksum is null ? null : checksumPath,
            SnapshotPath = snapshotPath,
            Incremental = incremental?.IsIncremental,
        };
    }

    /// <summary>
    /// Only a regular file is replaced: the archive is written beside its name and renamed over it, which
    /// would put a file where a FIFO, a device or a symlink was (GNU tar writes into those instead). So any
    /// of them is refused, whatever -Force says, and left as it is.
    /// </summary>
    private static void CheckRegularFile(string path, FileMetadata? existing)
    {
        if (existing is not null && existing.Kind != FileKind.File)
        {
            string what = existing.Kind switch
            {
                FileKind.SymbolicLink => $"a symbolic link (to '{UnixFileSystem.ReadLink(path)}')",
                FileKind.Fifo => "a FIFO",
                FileKind.CharacterDevice => "a character device",
                FileKind.BlockDevice => "a block device",
                _ => $"a {existing.Kind}",
            };
            throw new BackupException(
                Errors.DestinationNotRegularFile,
                $"'{path}' is {what}, not a regular file: an archive is written under a temporary name and renamed over a regular file only. Name a file (for a symlink, the file it points to).",
                path);
        }
    }

    private static (ArchiveCompression Compression, int Level) CheckRequest(CreateArchiveRequest request, string destination)
    {
        if (request.Paths.Count == 0)
        {
            throw new BackupException(Errors.PathNotFound, "No paths to archive were given.");
        }

        foreach (string path in request.Paths)
        {
            if (UnixFileSystem.TryLstat(Path.GetFullPath(path)) is null)
            {
                throw new BackupException(Errors.PathNotFound, $"Cannot find path '{path}' because it does not exist.", path);
            }
        }

        string? folder = Path.GetDirectoryName(destination);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new BackupException(Errors.DestinationFolderNotFound, $"The folder of the archive '{destination}' does not exist.", destination);
        }

        var existing = UnixFileSystem.TryLstat(destination);
        if (existing?.Kind == FileKind.Directory)
        {
            throw new BackupException(Errors.DestinationIsFolder, $"The archive path '{destination}' is a folder.", destination);
        }

        CheckRegularFile(destination, existing);
        if (request.Checksum)
        {
            CheckRegularFile(destination + ".sha256", UnixFileSystem.TryLstat(destination + ".sha256"));
        }

        if (existing is not null && !request.Force)
        {
            throw new BackupException(Errors.ArchiveExists, $"The archive '{destination}' already exists; use {ParameterNames.Of(nameof(CreateArchiveRequest.Force))} to replace it.", destination);
        }

        if (request.SnapshotPath is { } snapshot)
        {
            string full = Path.GetFullPath(snapshot);
            if (full == destination)
            {
                throw new BackupException(Errors.DestinationIsFolder, $"The snapshot file '{full}' is the archive itself.", full);
            }

            if (UnixFileSystem.TryLstat(full) is { Kind: FileKind.Directory })
            {
                throw new BackupException(Errors.DestinationIsFolder, $"The snapshot file '{full}' is a folder.", full);
            }

            CheckRegularFile(full, UnixFileSystem.TryLstat(full));
            if (Path.GetDirectoryName(full) is not { } snapshotFolder || !Directory.Exists(snapshotFolder))
            {
                throw new BackupException(Errors.DestinationFolderNotFound, $"The folder of the snapshot file '{full}' does not exist.", full);
            }
        }

        var compression = CompressionFromName.Resolve(request.Compression, destination);
        int level = request.CompressionLevel ?? compression switch { ArchiveCompression.BZip2 => 9, ArchiveCompression.Zstd => 3, _ => 6 };
        int highest = compression == ArchiveCompression.Zstd ? 19 : 9;
        if (level < 1 || level > highest)
        {
            throw new BackupException(Errors.InvalidCompressionLevel, $"{ParameterNames.Of(nameof(CreateArchiveRequest.CompressionLevel))} must be 1 to {highest} for {compression}, not {level}.");
        }

        return (compression, level);
    }

    /// <summary>The snapshot of the previous run; null when there is none (a missing or empty file: a full dump).</summary>
    private static SnapshotFile? ReadSnapshot(string path)
    {
        if (UnixFileSystem.TryLstat(path) is null)
        {
            return null;
        }

        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException(Errors.SnapshotFileCorrupt, $"The snapshot file '{path}' cannot be read: {ex.Message}", path, ex);
        }

        return SnapshotFile.Parse(data, path);
    }

    /// <summary>Writes the snapshot file under its temporary name and flushes it to disk; the caller commits it.</summary>
    private static AtomicFileWriter WriteSnapshotFile(string path, SnapshotFile snapshot)
    {
        var file = AtomicFileWriter.Create(path, bufferSize: 0);
        try
        {
            file.Stream.Write(snapshot.Encode());
            file.Stream.Flush(flushToDisk: true);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes the .sha256 file under its temporary name and flushes it to disk; the caller commits it.</summary>
    private static AtomicFileWriter WriteChecksumFile(string path, string archiveName, string sha256)
    {
        var file = AtomicFileWriter.Create(path, bufferSize: 0);
        try
        {
            file.Stream.Write(System.Text.Encoding.UTF8.GetBytes($"{sha256}  {archiveName}\n"));
            file.Stream.Flush(flushToDisk: true);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
