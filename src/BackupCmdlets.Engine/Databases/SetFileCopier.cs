using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Copies database files into a backup set: several files at once, each read in whole blocks aligned
/// to the block size, every block checked by the verifier as it passes, hashed (SHA-256) and written;
/// mode (and owner, when run as root) kept. A block that fails its check is read once more before it
/// is judged, as a concurrent write may have been caught half-done.
/// </summary>
internal sealed class SetFileCopier
{
    private const int ChunkBlocks = 128;

    /// <summary>How many copied files, or bytes, are flushed and put on the resume journal at once.</summary>
    private const int JournalBatchFiles = 500;
    private const long JournalBatchBytes = 256L << 20;

    /// <summary>The zstd level of redo files: its fastest, as gzip's for redo in gzip sets.</summary>
    private const int RedoZstdLevel = 1;

    /// <summary>The zstd level of the files of a compressed Plain set: zstd's default, as the tars of a Zstd set.</summary>
    internal const int FileZstdLevel = 3;

    private readonly string _setRoot;
    private readonly SetKey? _key;
    private readonly int _throttleLimit;
    private readonly ProgressThrottle _progress;
    private readonly string _activity;
    private long _bytesDone;
    private long _filesDone;
    private long _bytesTotal;
    private long _filesTotal;
    private long _checked;
    private long _torn;
    private long _corrupt;
    private readonly ConcurrentBag<BlockFinding> _findings = [];
    private readonly ConcurrentBag<ManifestFile> _files = [];
    private readonly ConcurrentBag<ManifestDirectory> _directories = [];
    private readonly ConcurrentBag<string> _copied = [];
    private readonly ConcurrentBag<ManifestPageDelta> _pageDeltas = [];
    private readonly List<(ResumeEntry Entry, string[] Targets, long Bytes)> _unjournaled = [];
    private long _unjournaledBytes;
    private long _resumed;

    public SetFileCopier(string setRoot, int throttleLimit, IProgress<OperationProgress>? progress, string activity, SetKey? key)
    {
        _setRoot = setRoot;
        _key = key;
        _throttleLimit = throttleLimit;
        _progress = new ProgressThrottle(progress);
        _activity = activity;
    }

    public IReadOnlyList<ManifestFile> Files => [.. _files.OrderBy(f => f.Path, StringComparer.Ordinal)];

    public IReadOnlyList<ManifestDirectory> Directories => [.. _directories.OrderBy(d => d.Path, StringComparer.Ordinal)];

    /// <summary>Whether each file is stored zstd-compressed on its own (<see cref="ZstdSeekableWriter"/>): a Plain set with -Compression Zstd.</summary>
    public bool CompressesFiles { get; init; }

    /// <summary>The set a differential or incremental copy builds on; null for a full copy.</summary>
    public IncrementalParent? Parent { get; set; }

    public IReadOnlyList<ManifestPageDelta> PageDeltas => [.. _pageDeltas.OrderBy(d => d.Path, StringComparer.Ordinal)];

    /// <summary>Where each file copied goes on record once it is on disk, for a backup that resumes this one if it is cut short; null to keep none.</summary>
    public ResumeJournalWriter? Journal { get; set; }

    /// <summary>The files an earlier, interrupted backup copied (its set folder, the parent its page files were compared with, its journal) that may be taken over.</summary>
    public (string SetPath, string? ParentSetId, IReadOnlyDictionary<string, ResumeEntry> Entries)? Resumable { get; set; }

    /// <summary>How many files were taken over from the interrupted backup rather than read again.</summary>
    public long FilesResumed => Interlocked.Read(ref _resumed);

    public BlockCheckSummary Summary(int blockSize) =>
        new(blockSize, _checked, _torn, _corrupt, [.. _findings.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Block)]);

    /// <summary>Copies <paramref name="entries"/>; folders first, then files largest first so the long ones start early.</summary>
    public async Task CopyAsync(IReadOnlyList<SourceFile> entries, IBlockVerifier? verifier, CancellationToken cancellationToken)
    {
        foreach (var directory in entries.Where(e => e.IsDirectory))
        {
            string target = Target(directory.SetPath);
            Directory.CreateDirectory(target);
            var meta = UnixFileSystem.TryLstat(directory.SourcePath);
            int mode = meta?.Permissions ?? 0x1ED;
            UnixFileSystem.SetPermissions(target, mode | 0x1C0);
            if (meta is not null && UnixFileSystem.IsRoot)
            {
                UnixFileSystem.SetOwner(target, meta.UserId, meta.GroupId);
            }

            _directories.Add(new ManifestDirectory(directory.SetPath, mode));
        }

        var files = entries.Where(e => !e.IsDirectory).OrderByDescending(e => e.Length).ToList();
        Interlocked.Add(ref _bytesTotal, files.Sum(f => f.Length));
        Interlocked.Add(ref _filesTotal, files.Count);
        var options = new ParallelOptions { MaxDegreeOfParallelism = _throttleLimit, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(files, options, (file, ct) =>
            {
                CopyOne(file, file.VerifyBlocks ? verifier : null, ct);
                return ValueTask.CompletedTask;
            });
        }
        catch when (Journal is not null)
        {
            // Cancelled or failed: what was copied whole goes on the journal, so the next backup need not read it again.
            try
            {
                JournalCopied(all: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }

        FlushCopies(cancellationToken);
        JournalCopied(all: true);
        Report(null, force: true);
    }

    /// <summary>
    /// Waits until every copied file is on disk. A copy only starts its writeback when it is done; the
    /// fsyncs come here, after all the copying, as pg_basebackup does, rather than one journal commit
    /// per file in the middle of the database's own WAL flushes.
    /// </summary>
    private void FlushCopies(CancellationToken cancellationToken)
    {
        foreach (string target in _copied)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var copy = new FileStream(target, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            copy.Flush(flushToDisk: true);
        }

        _copied.Clear();
    }

    /// <summary>
    /// Copies files compressed, each on its own to its set path plus the suffix of <see cref="StoredRedo"/>:
    /// gzip at its fastest level, or zstd as one frame with its content checksum at level
    /// <see cref="RedoZstdLevel"/>; in an encrypted set, then encrypted. Used for WAL in compressed sets.
    /// </summary>
    public async Task CopyCompressedAsync(IReadOnlyList<SourceFile> files, ArchiveCompression compression, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytesTotal, files.Sum(f => f.Length));
        var options = new ParallelOptions { MaxDegreeOfParallelism = _throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(files, options, async (file, ct) =>
        {
            string setPath = file.SetPath + StoredRedo.Suffix(compression);
            string target = Target(setPath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            ManifestFile? sealedEntry = null;
            await using (var input = StoredRedo.IsCompressed(file.SourcePath) ? (Stream)await ExpandAsync(file, ct) : new FileStream(file.SourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var output = new FileStream(target, DestinationOptions(0)))
            {
                using (var seal = _key?.Seal(output, setPath, withContentMac: false))
                {
                    Stream stored = (Stream?)seal ?? output;
                    if (compression == ArchiveCompression.Zstd)
                    {
                        await CompressZstdAsync(input, stored, ct);
                    }
                    else
                    {
                        await using var gzip = new GZipStream(stored, CompressionLevel.Fastest, leaveOpen: true);
                        await input.CopyToAsync(gzip, 1 << 20, ct);
                    }

                    sealedEntry = seal is null ? null : Sealed(seal, setPath, 0x1A4);
                }

                output.Flush(flushToDisk: true);
                Interlocked.Add(ref _bytesDone, input.Length);
            }

            _files.Add(sealedEntry ?? ManifestFile.FromFile(_setRoot, setPath, 0x1A4, ct));
            UnixFileSystem.SetPermissions(target, 0x1A4);
            Report(setPath);
        });
    }

    /// <summary>
    /// Copies files stored compressed at their source (a WAL archive Backup-WalSegment fills) to their set
    /// path plain, hashed and flushed: redo in a plain set.
    /// </summary>
    public async Task CopyExpandedAsync(IReadOnlyList<SourceFile> files, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytesTotal, files.Sum(f => f.Length));
        var options = new ParallelOptions { MaxDegreeOfParallelism = _throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(files, options, async (file, ct) =>
        {
            string target = Target(file.SetPath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            ManifestFile? sealedEntry = null;
            await using (var input = await ExpandAsync(file, ct))
            await using (var output = new FileStream(target, DestinationOptions(input.Length)))
            {
                if (_key is null)
                {
                    await input.CopyToAsync(output, 1 << 20, ct);
                }
                else
                {
                    using var seal = _key.Seal(output, file.SetPath);
                    await input.CopyToAsync(seal, 1 << 20, ct);
                    sealedEntry = Sealed(seal, file.SetPath, 0);
                }

                output.Flush(flushToDisk: true);
                Interlocked.Add(ref _bytesDone, input.Length);
            }

            // As a plain copy keeps them: the restored server, running as the archive's owner, reads the set's WAL.
            var meta = UnixFileSystem.TryLstat(file.SourcePath);
            int mode = meta?.Permissions ?? 0x180;
            UnixFileSystem.SetPermissions(target, mode);
            if (meta is not null && UnixFileSystem.IsRoot)
            {
                UnixFileSystem.SetOwner(target, meta.UserId, meta.GroupId);
            }

            _files.Add(sealedEntry is null ? ManifestFile.FromFile(_setRoot, file.SetPath, mode, ct) : sealedEntry with { Mode = mode });
            Report(file.SetPath);
        });
    }

    /// <summary>The plain content of a compressed redo file (opened with its archive's key when it is sealed there), in memory (a WAL segment is at most 1 GiB), for its length and a second pass.</summary>
    private static async Task<MemoryStream> ExpandAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        await using (var input = StoredRedo.OpenRead(file.SourcePath, file.ArchiveKey))
        {
            await input.CopyToAsync(content, 1 << 20, cancellationToken);
        }

        content.Position = 0;
        return content;
    }

    /// <summary>Writes the whole of <paramref name="input"/> (a WAL segment, at most 1 GiB) as one zstd frame.</summary>
    private static async Task CompressZstdAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        int length = checked((int)input.Length);
        byte[] content = ArrayPool<byte>.Shared.Rent(length);
        byte[] frame = ArrayPool<byte>.Shared.Rent(ZstdFrameCompressor.MaxOutputLength(length));
        try
        {
            await input.ReadExactlyAsync(content.AsMemory(0, length), cancellationToken);
            int written = ZstdFrameCompressor.Compress(content.AsSpan(0, length), frame, RedoZstdLevel);
            await output.WriteAsync(frame.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    private void CopyOne(SourceFile file, IBlockVerifier? verifier, CancellationToken cancellationToken)
    {
        FileMetadata? meta = UnixFileSystem.TryLstat(file.SourcePath);
        SafeFileHandle source;
        try
        {
            source = File.OpenHandle(file.SourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) when (file.MayVanish)
        {
            return;
        }
        catch (DirectoryNotFoundException) when (file.MayVanish)
        {
            return;
        }

        bool asPages = Parent is { } parent && file.PageTracked && parent.Files.Contains(file.SetPath);
        if (meta is not null && TakeOver(file, meta, asPages))
        {
            source.Dispose();
            return;
        }

        var readStart = DateTimeOffset.UtcNow;
        if (asPages)
        {
            using (source)
            {
                CopyChangedPages(file, source, meta, verifier, Parent!.ChangeTest, readStart, cancellationToken);
            }

            return;
        }

        string target = Target(file.SetPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        int blockSize = verifier?.BlockSize ?? 8192;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(blockSize * ChunkBlocks);
        var blocks = default(BlockCounts);
        try
        {
            using (source)
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var destination = new FileStream(target, DestinationOptions(CompressesFiles ? 0 : _key is not null ? SealedFile.StoredLength(file.Length) : file.Length)))
            using (var seal = _key?.Seal(destination, file.SetPath, withContentMac: !CompressesFiles))
            using (var zstd = CompressesFiles ? new ZstdSeekableWriter((Stream?)seal ?? destination, FileZstdLevel, _key?.NewContentMac()) : null)
            {
                long offset = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int read = PositionedRead.Fill(source, buffer.AsSpan(0, blockSize * ChunkBlocks), offset);
                    if (read == 0)
                    {
                        break;
                    }

                    if (verifier is not null)
                    {
                        blocks = blocks.Add(VerifyChunk(file, verifier, source, buffer.AsSpan(0, read), offset));
                    }

                    if (zstd is not null)
                    {
                        zstd.Write(buffer.AsSpan(0, read));
                    }
                    else if (seal is not null)
                    {
                        seal.Write(buffer, 0, read);
                    }
                    else
                    {
                        hash.AppendData(buffer, 0, read);
                        destination.Write(buffer, 0, read);
                    }

                    offset += read;
                    Interlocked.Add(ref _bytesDone, read);
                    Report(file.SetPath);
                    if (read < blockSize * ChunkBlocks)
                    {
                        break;
                    }
                }

                var entry = zstd is not null ? Compressed(zstd, seal, file.SetPath, meta?.Permissions ?? 0x180)
                    : seal is not null ? Sealed(seal, file.SetPath, meta?.Permissions ?? 0x180)
                    : new ManifestFile(file.SetPath, offset, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), meta?.Permissions ?? 0x180);
                UnixFileSystem.StartWriteback(destination.SafeFileHandle, 0, entry.Size);
                _copied.Add(target);
                _files.Add(entry);
                if (meta is not null && blocks.Corrupt == 0)
                {
                    ToJournal(ResumeEntry.For(file.SetPath, meta, UnixFileSystem.TryLstat(file.SourcePath), readStart, entry, null, null, blocks.Checked, blocks.Torn), [target], entry.Size);
                }
            }

            if (meta is not null)
            {
                UnixFileSystem.SetPermissions(target, meta.Permissions);
                if (UnixFileSystem.IsRoot)
                {
                    UnixFileSystem.SetOwner(target, meta.UserId, meta.GroupId);
                }
            }

            Interlocked.Increment(ref _filesDone);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a relation file the parent's chain holds and stores only its changed pages (all of them
    /// checked as a whole copy checks them). A last block cut short by a concurrent extension is left
    /// out: the redo from this set's start replays the extension.
    /// </summary>
    private void CopyChangedPages(SourceFile file, SafeFileHandle source, FileMetadata? meta, IBlockVerifier? verifier, IPageChangeTest changes, DateTimeOffset readStart, CancellationToken cancellationToken)
    {
        var blocks = default(BlockCounts);
        int blockSize = verifier?.BlockSize ?? 8192;
        string storedPath = ManifestPageDelta.StoredPathFor(file.SetPath);
        string target = Target(storedPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(blockSize * ChunkBlocks);
        try
        {
            using var pages = new PageDeltaFile.PageFileWriter(target, blockSize, _key, storedPath, CompressesFiles);
            var digest = new PageDigest(_key?.PageDigestSeed ?? 0);
            long offset = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = PositionedRead.Fill(source, buffer.AsSpan(0, blockSize * ChunkBlocks), offset);
                int whole = read - read % blockSize;
                if (whole == 0)
                {
                    break;
                }

                if (verifier is not null)
                {
                    blocks = blocks.Add(VerifyChunk(file, verifier, source, buffer.AsSpan(0, whole), offset));
                }

                for (int at = 0; at < whole; at += blockSize)
                {
                    var page = buffer.AsSpan(at, blockSize);
                    digest.Add(page);
                    if (changes.HasChanged(page))
                    {
                        pages.Add((offset + at) / blockSize, page);
                    }
                }

                offset += whole;
                Interlocked.Add(ref _bytesDone, whole);
                Report(file.SetPath);
                if (read < blockSize * ChunkBlocks)
                {
                    break;
                }
            }

            var stored = pages.Complete();
            if (stored is not null)
            {
                _copied.Add(target);
                _files.Add(stored);
            }

            var delta = new ManifestPageDelta(file.SetPath, offset, meta?.Permissions ?? 0x180, pages.Count > 0 ? storedPath : null, pages.Count, digest.ToString());
            _pageDeltas.Add(delta);
            if (meta is not null && blocks.Corrupt == 0)
            {
                ToJournal(ResumeEntry.For(file.SetPath, meta, UnixFileSystem.TryLstat(file.SourcePath), readStart, null, delta, stored, blocks.Checked, blocks.Torn), stored is null ? [] : [target], stored?.Size ?? 0);
            }

            Interlocked.Increment(ref _filesDone);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks the whole blocks of <paramref name="chunk"/>, read from <paramref name="source"/> at <paramref name="chunkOffset"/> (a multiple of the block size); a block that fails is read once more and, if the second read passes, replaced by it.</summary>
    internal BlockCounts VerifyChunk(SourceFile file, IBlockVerifier verifier, SafeFileHandle source, Span<byte> chunk, long chunkOffset)
    {
        var counts = default(BlockCounts);
        int blockSize = verifier.BlockSize;
        for (int at = 0; at + blockSize <= chunk.Length; at += blockSize)
        {
            long blockInFile = (chunkOffset + at) / blockSize;
            long blockNumber = file.FirstBlockNumber + blockInFile;
            var block = chunk.Slice(at, blockSize);
            var verdict = verifier.Check(block, blockNumber, out string? detail);
            if (verdict == BlockCheck.Corrupt)
            {
                // A write caught half-way looks corrupt: read the block once more before judging it.
                byte[] reread = new byte[blockSize];
                if (RandomAccess.Read(source, reread, chunkOffset + at) == blockSize)
                {
                    var second = verifier.Check(reread, blockNumber, out string? secondDetail);
                    if (second != BlockCheck.Corrupt)
                    {
                        reread.CopyTo(block);
                        verdict = second == BlockCheck.Valid ? BlockCheck.Torn : second;
                        detail = "changed while read; the re-read block is " + (second == BlockCheck.Valid ? "valid" : secondDetail);
                    }
                }
            }

            switch (verdict)
            {
                case BlockCheck.Valid:
                    counts = counts.Add(new BlockCounts(1, 0, 0));
                    break;
                case BlockCheck.Torn:
                    counts = counts.Add(new BlockCounts(1, 1, 0));
                    break;
                case BlockCheck.Corrupt:
                    counts = counts.Add(new BlockCounts(1, 0, 1));
                    _findings.Add(new BlockFinding(file.SetPath, blockInFile, BlockCheck.Corrupt, detail ?? "checksum mismatch"));
                    break;
            }
        }

        Count(counts);
        return counts;
    }

    private void Count(BlockCounts counts)
    {
        Interlocked.Add(ref _checked, counts.Checked);
        Interlocked.Add(ref _torn, counts.Torn);
        Interlocked.Add(ref _corrupt, counts.Corrupt);
    }

    /// <summary>
    /// Takes over the file an interrupted backup copied, when its source has not changed since and it was
    /// stored the way this copy would store it (whole, or as pages against the same parent): its stored
    /// files are moved into this set. False when there is none to take, and the file is copied.
    /// </summary>
    private bool TakeOver(SourceFile file, FileMetadata meta, bool asPages)
    {
        if (Resumable is not { } resumable || !resumable.Entries.TryGetValue(file.SetPath, out var entry) || !entry.StillMatches(meta)
            || (asPages ? entry.Pages is null || resumable.ParentSetId != Parent!.SetId : entry.File is null))
        {
            return false;
        }

        var stored = new[] { entry.File, entry.PageFile }.OfType<ManifestFile>().ToList();
        if (stored.Any(part => part.Compression is not null != CompressesFiles))
        {
            return false;
        }

        foreach (var part in stored)
        {
            string from = Path.Combine(resumable.SetPath, part.Path.Replace('/', Path.DirectorySeparatorChar));
            if (UnixFileSystem.TryLstat(from) is not { Kind: FileKind.File } there || there.Size != part.Size)
            {
                return false;
            }
        }

        var targets = new List<string>();
        foreach (var part in stored)
        {
            string target = Target(part.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            UnixFileSystem.Rename(Path.Combine(resumable.SetPath, part.Path.Replace('/', Path.DirectorySeparatorChar)), target, replace: false);
            targets.Add(target);
            _files.Add(part);
        }

        if (entry.Pages is { } pages)
        {
            _pageDeltas.Add(pages);
        }

        Count(new BlockCounts(entry.BlocksChecked, entry.TornBlocks, 0));
        Interlocked.Add(ref _bytesDone, meta.Size);
        Interlocked.Increment(ref _filesDone);
        Interlocked.Increment(ref _resumed);
        ToJournal(entry, [.. targets], 0);
        Report(file.SetPath);
        return true;
    }

    /// <summary>Puts a copied file's entry on the journal once it is on disk: in batches, each flushed (files and their folders) before its lines are written.</summary>
    private void ToJournal(ResumeEntry? entry, string[] targets, long bytes)
    {
        if (Journal is null || entry is null)
        {
            return;
        }

        bool full;
        lock (_unjournaled)
        {
            _unjournaled.Add((entry, targets, bytes));
            _unjournaledBytes += bytes;
            full = _unjournaled.Count >= JournalBatchFiles || _unjournaledBytes >= JournalBatchBytes;
        }

        if (full)
        {
            JournalCopied(all: false);
        }
    }

    private void JournalCopied(bool all)
    {
        if (Journal is null)
        {
            return;
        }

        List<(ResumeEntry Entry, string[] Targets, long Bytes)> batch;
        lock (_unjournaled)
        {
            if (!all && _unjournaled.Count < JournalBatchFiles && _unjournaledBytes < JournalBatchBytes)
            {
                return;
            }

            batch = [.. _unjournaled];
            _unjournaled.Clear();
            _unjournaledBytes = 0;
        }

        foreach (string target in batch.SelectMany(b => b.Targets))
        {
            UnixFileSystem.Flush(target);
        }

        foreach (string folder in batch.SelectMany(b => b.Targets).Select(t => Path.GetDirectoryName(t)!).Distinct(StringComparer.Ordinal))
        {
            UnixFileSystem.Flush(folder);
        }

        Journal.Append([.. batch.Select(b => b.Entry)]);
    }

    /// <summary>Block checks of one file or chunk: checked, torn (re-read valid), corrupt.</summary>
    internal readonly record struct BlockCounts(long Checked, long Torn, long Corrupt)
    {
        public BlockCounts Add(BlockCounts other) => new(Checked + other.Checked, Torn + other.Torn, Corrupt + other.Corrupt);
    }

    /// <summary>The manifest entry of a file written encrypted: what is stored, and the content's MAC.</summary>
    internal static ManifestFile Sealed(SealedFileWriter seal, string setPath, int mode)
    {
        var (storedLength, storedSha256, _, contentMac) = seal.Complete();
        return new ManifestFile(setPath, storedLength, storedSha256, mode) { ContentMac = contentMac, Salt = seal.Salt };
    }

    /// <summary>
    /// The manifest entry of a file written compressed: what is stored, and the content's size and SHA-256; when
    /// the compressed bytes went through <paramref name="seal"/> (an encrypted set), the content's MAC instead.
    /// </summary>
    internal static ManifestFile Compressed(ZstdSeekableWriter zstd, SealedFileWriter? seal, string setPath, int mode)
    {
        zstd.Complete();
        var stored = seal is null ? new ManifestFile(setPath, zstd.StoredLength, zstd.StoredSha256, mode) : Sealed(seal, setPath, mode);
        return stored with
        {
            Compression = ArchiveCompression.Zstd,
            ContentSize = zstd.ContentLength,
            ContentSha256 = seal is null ? zstd.ContentHash : null,
            ContentMac = seal is null ? null : zstd.ContentHash,
        };
    }

    /// <summary>A new file of the set, readable by its owner only until its mode is set.</summary>
    internal static FileStreamOptions DestinationOptions(long preallocate)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0, PreallocationSize = preallocate };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private string Target(string setPath) => Path.Combine(_setRoot, setPath.Replace('/', Path.DirectorySeparatorChar));

    private void Report(string? current, bool force = false) =>
        _progress.Report(
            () => new OperationProgress(_activity, "Copying", current, Interlocked.Read(ref _filesDone), Interlocked.Read(ref _filesTotal), Interlocked.Read(ref _bytesDone), Interlocked.Read(ref _bytesTotal)),
            force);
}
