using System.Buffers;
using System.Diagnostics;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Writes a tar archive (New-TarArchive): scans the sources, reads small files ahead in parallel,
/// lays the tar stream into chunks that are compressed on every core, and writes everything under a
/// temporary name that gets the final name only once complete and flushed.
/// </summary>
public static class ArchiveWriter
{
    private const int SmallFileLimit = 1 << 20;
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
                ArchiveErrorIds.DestinationFull,
                ErrorKind.ResourceUnavailable,
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

        // Buffers for files read ahead, one pool per archive (nothing stays allocated afterwards): up to
        // ReadAheadEntries are in use at once, more of one size than the shared pool keeps, so with the
        // shared pool most of them would be allocated anew.
        var buffers = ArrayPool<byte>.Create(SmallFileLimit + 1, ReadAheadEntries);
        using var file = AtomicFileWriter.Create(destination, bufferSize: 0);
        var temporary = UnixFileSystem.Lstat(file.TemporaryPath);
        var output = new ArchiveOutput(file.Stream, compression, level, workers, cancellation, request.ManagedBzip2);
        var tar = new TarChunkWriter(output);
        long entries = 0;
        string sha256;
        using var estimating = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Task<long>? estimate = null;
        try
        {
            var scanner = new ArchiveSourceScanner(
                request,
                exclude,
                [destination, file.TemporaryPath, checksumPath],
                () => (temporary.Device, temporary.Inode),
                problems);
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
            while (true)
            {
                while (more && window.Count < ReadAheadEntries && bytesAhead < ReadAheadBytes)
                {
                    more = source.MoveNext();
                    if (more)
                    {
                        var entry = source.Current;
                        bool small = entry.Header.Type == TarEntryType.File && entry.Header.Size <= SmallFileLimit;
                        window.Enqueue((entry, small ? readAhead.Start(() => ReadSmallFile(entry, request.BeforeFileOpen, buffers)) : null));
                        bytesAhead += small ? entry.Header.Size : 0;
                    }
                }

                if (!window.TryDequeue(out var next))
                {
                    break;
                }

                cancellation.ThrowIfCancellationRequested();
                if (next.Content is not null)
                {
                    bytesAhead -= next.Entry.Header.Size;
                    var content = next.Content.GetAwaiter().GetResult();
                    WriteSmallFile(tar, next.Entry, content, problems, buffers);
                    if (content.Problem is not null && content.Buffer is null)
                    {
                        continue;
                    }
                }
                else if (next.Entry.Header.Type == TarEntryType.File)
                {
                    if (!WriteLargeFile(tar, next.Entry, problems, request.BeforeFileOpen, () => Report(next.Entry.Header.Name), cancellation))
                    {
                        continue;
                    }
                }
                else
                {
                    tar.Write(TarHeaderEncoder.Encode(next.Entry.Header));
                }

                entries++;
                Report(next.Entry.Header.Name);
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
        file.Commit(overwrite: request.Force);
        checksum?.Commit(overwrite: true);
        throttle.Report(() => new OperationProgress(activity, "Done", null, entries, entries, tar.Position, tar.Position), force: true);
        return new ArchiveResult(destination, compression, entries, tar.Position, output.BytesOut, sha256, clock.Elapsed, problems)
        {
            ChecksumPath = checksum is null ? null : checksumPath,
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
                ArchiveErrorIds.DestinationNotRegularFile,
                ErrorKind.InvalidArgument,
                $"'{path}' is {what}, not a regular file: an archive is written under a temporary name and renamed over a regular file only. Name a file (for a symlink, the file it points to).",
                path);
        }
    }

    private static (ArchiveCompression Compression, int Level) CheckRequest(CreateArchiveRequest request, string destination)
    {
        if (request.Paths.Count == 0)
        {
            throw new BackupException(ArchiveErrorIds.PathNotFound, ErrorKind.InvalidArgument, "No paths to archive were given.");
        }

        foreach (string path in request.Paths)
        {
            if (UnixFileSystem.TryLstat(Path.GetFullPath(path)) is null)
            {
                throw new BackupException(ArchiveErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"Cannot find path '{path}' because it does not exist.", path);
            }
        }

        string? folder = Path.GetDirectoryName(destination);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new BackupException(ArchiveErrorIds.DestinationFolderNotFound, ErrorKind.ObjectNotFound, $"The folder of the archive '{destination}' does not exist.", destination);
        }

        var existing = UnixFileSystem.TryLstat(destination);
        if (existing?.Kind == FileKind.Directory)
        {
            throw new BackupException(ArchiveErrorIds.DestinationIsFolder, ErrorKind.InvalidArgument, $"The archive path '{destination}' is a folder.", destination);
        }

        CheckRegularFile(destination, existing);
        if (request.Checksum)
        {
            CheckRegularFile(destination + ".sha256", UnixFileSystem.TryLstat(destination + ".sha256"));
        }

        if (existing is not null && !request.Force)
        {
            throw new BackupException(ArchiveErrorIds.ArchiveExists, ErrorKind.ResourceExists, $"The archive '{destination}' already exists; use -Force to replace it.", destination);
        }

        var compression = CompressionFromName.Resolve(request.Compression, destination);
        int level = request.CompressionLevel ?? (compression == ArchiveCompression.BZip2 ? 9 : 6);
        if (level is < 1 or > 9)
        {
            throw new BackupException("InvalidCompressionLevel", ErrorKind.InvalidArgument, $"The compression level must be 1 to 9, not {level}.");
        }

        return (compression, level);
    }

    private static FileContent ReadSmallFile(SourceEntry entry, Action<string>? beforeOpen, ArrayPool<byte> buffers)
    {
        long size = entry.Header.Size;
        byte[] buffer = buffers.Rent((int)size + 1);
        try
        {
            beforeOpen?.Invoke(entry.FullPath);
            using var handle = OpenSource(entry.FullPath);
            // Asking for one byte more than lstat said tells growth; a short read is end of file.
            int total = 0;
            while (total <= size)
            {
                int want = (int)(size + 1 - total);
                int n = RandomAccess.Read(handle, buffer.AsSpan(total, want), total);
                total += n;
                if (n < want)
                {
                    break;
                }
            }

            return new FileContent(buffer, total, total == size ? null : Changed(entry.FullPath, size, total));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            buffers.Return(buffer);
            return new FileContent(null, 0, Unreadable(entry.FullPath, ex));
        }
    }

    private static void WriteSmallFile(TarChunkWriter tar, SourceEntry entry, FileContent content, List<ItemProblem> problems, ArrayPool<byte> buffers)
    {
        if (content.Problem is not null)
        {
            problems.Add(content.Problem);
        }

        if (content.Buffer is null)
        {
            return;
        }

        try
        {
            long size = entry.Header.Size;
            tar.Write(TarHeaderEncoder.Encode(entry.Header));
            int stored = (int)Math.Min(content.Length, size);
            tar.Write(content.Buffer.AsSpan(0, stored));
            tar.WriteZeros(size - stored);
            tar.PadToBlock();
        }
        finally
        {
            buffers.Return(content.Buffer);
        }
    }

    private static bool WriteLargeFile(TarChunkWriter tar, SourceEntry entry, List<ItemProblem> problems, Action<string>? beforeOpen, Action report, CancellationToken cancellation)
    {
        SafeFileHandle handle;
        try
        {
            beforeOpen?.Invoke(entry.FullPath);
            handle = OpenSource(entry.FullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(Unreadable(entry.FullPath, ex));
            return false;
        }

        using (handle)
        {
            long size = entry.Header.Size;
            tar.Write(TarHeaderEncoder.Encode(entry.Header));
            long offset = 0;
            try
            {
                while (offset < size)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var space = tar.FreeSpace();
                    int want = (int)Math.Min(space.Length, size - offset);
                    int n = RandomAccess.Read(handle, space[..want], offset);
                    if (n == 0)
                    {
                        break;
                    }

                    tar.Advance(n);
                    offset += n;
                    report();
                }
            }
            catch (IOException ex)
            {
                problems.Add(Unreadable(entry.FullPath, ex));
            }

            Span<byte> probe = stackalloc byte[1];
            if (offset < size || RandomAccess.Read(handle, probe, offset) > 0)
            {
                problems.Add(Changed(entry.FullPath, size, offset < size ? offset : size + 1));
            }

            tar.WriteZeros(size - offset);
            tar.PadToBlock();
        }

        return true;
    }

    /// <summary>Opens a file to archive by its byte-exact name; a symlink put in its place since the scan is refused.</summary>
    private static SafeFileHandle OpenSource(string path) => UnixFileSystem.OpenRead(path);

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

    private static ItemProblem Unreadable(string path, Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException
        ? ArchiveSourceScanner.Vanished(path)
        : new ItemProblem(path, ArchiveErrorIds.SourceFileUnreadable, ErrorKind.ReadError, $"Cannot read '{path}' ({ex.Message}); it was left out.");

    private static ItemProblem Changed(string path, long expected, long actual) => actual < expected
        ? new ItemProblem(path, ArchiveErrorIds.SourceFileChanged, ErrorKind.ReadError, $"'{path}' shrank by {expected - actual} bytes while it was read; the rest was padded with zeros.")
        : new ItemProblem(path, ArchiveErrorIds.SourceFileChanged, ErrorKind.ReadError, $"'{path}' grew while it was read; only its first {expected} bytes were stored.");

    private sealed record FileContent(byte[]? Buffer, int Length, ItemProblem? Problem);
}
