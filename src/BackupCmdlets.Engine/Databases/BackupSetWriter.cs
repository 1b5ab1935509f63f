using System.Text;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A backup set while it is written: its folder, and every entry its manifest will list, as the
/// providers and the runner put them there: files copied in the set's format with their block checks,
/// files the database engine writes into the set itself, files the database hands back, and the redo.
/// </summary>
internal sealed class BackupSetWriter
{
    private readonly StartBackupRequest _request;
    private readonly bool _hot;
    private readonly string _activity;
    private readonly IProgress<OperationProgress>? _progress;
    private readonly SetFileCopier _copier;
    private readonly SetKey? _key;
    private readonly List<ManifestFile> _files = [];
    private readonly List<ManifestDirectory> _directories = [];
    private readonly List<ManifestArchive> _archives = [];

    /// <param name="key">The key every file is encrypted with (an encrypted set); null to store them in the clear.</param>
    public BackupSetWriter(string folder, StartBackupRequest request, BackupKind kind, string activity, IProgress<OperationProgress>? progress, SetKey? key)
    {
        Folder = folder;
        _request = request;
        _hot = kind == BackupKind.Hot;
        _activity = activity;
        _progress = progress;
        _key = key;
        _copier = new SetFileCopier(folder, request.Workers(_hot), progress, activity, key) { CompressesFiles = request.CompressesFiles };
    }

    public string Folder { get; }

    /// <summary>
    /// The moment the copy holds the database as of, when the engine can tell one (SQLite's copy, read
    /// while its lock is still held); null when the set is whole only at the end of the run.
    /// </summary>
    public DateTimeOffset? TakenAt { get; private set; }

    /// <summary>How the redo is stored (<see cref="StoredRedo"/>): plain, or each file gzip- or zstd-compressed in a compressed set.</summary>
    public ArchiveCompression RedoCompression => StoredRedo.For(_request);

    public bool CompressesRedo => RedoCompression != ArchiveCompression.None;

    public IReadOnlyList<ManifestFile> Files => [.. _copier.Files.Concat(_files).OrderBy(f => f.Path, StringComparer.Ordinal)];

    public IReadOnlyList<ManifestDirectory> Directories => [.. _copier.Directories.Concat(_directories).OrderBy(d => d.Path, StringComparer.Ordinal)];

    public IReadOnlyList<ManifestArchive> Archives => _archives;

    public BlockCheckSummary BlockChecks(int blockSize) => _copier.Summary(blockSize);

    /// <summary>The set this one builds on (differential and incremental sets); null for a full set.</summary>
    public IncrementalParent? Parent
    {
        get => _copier.Parent;
        set => _copier.Parent = value;
    }

    public IReadOnlyList<ManifestPageDelta> PageDeltas => _copier.PageDeltas;

    /// <inheritdoc cref="SetFileCopier.Journal"/>
    public ResumeJournalWriter? Journal
    {
        get => _copier.Journal;
        set => _copier.Journal = value;
    }

    /// <inheritdoc cref="SetFileCopier.Resumable"/>
    public (string SetPath, string? ParentSetId, IReadOnlyDictionary<string, ResumeEntry> Entries)? Resumable
    {
        get => _copier.Resumable;
        set => _copier.Resumable = value;
    }

    /// <inheritdoc cref="SetFileCopier.FilesResumed"/>
    public long FilesResumed => _copier.FilesResumed;

    /// <summary>Plain: copy (and check) every file, each zstd-compressed on its own with -Compression Zstd. Tar: one tar per root folder through the archive engine, the blocks checked in what it reads.</summary>
    public async Task CopyAsync(IReadOnlyList<SourceFile> files, IBlockVerifier? verifier, CancellationToken cancellationToken)
    {
        if (!_request.UsesTar)
        {
            await CopyPlainAsync(files, verifier, cancellationToken);
            return;
        }

        Func<SourceFile, IEntryContentInspector>? checkBlocks = verifier is null ? null : file => new ArchivedBlockCheck(_copier, file, verifier);
        foreach (var (archive, file) in await SetArchiver.ArchiveAsync(Folder, files, _request, _hot, checkBlocks, _progress, cancellationToken))
        {
            _archives.Add(archive);
            _files.Add(file);
        }
    }

    /// <summary>Copies (and checks) every file as it is, whatever the set's format.</summary>
    public Task CopyPlainAsync(IReadOnlyList<SourceFile> files, IBlockVerifier? verifier, CancellationToken cancellationToken) =>
        _copier.CopyAsync(files, verifier, cancellationToken);

    /// <summary>Copies the redo (plain files in every format, compressed in a compressed set; a source stored compressed is expanded first) and answers their paths in the set.</summary>
    public async Task<IReadOnlyList<string>> CopyRedoAsync(IReadOnlyList<SourceFile> files, CancellationToken cancellationToken)
    {
        if (CompressesRedo)
        {
            await _copier.CopyCompressedAsync(files, RedoCompression, cancellationToken);
            return [.. files.Select(f => f.SetPath + StoredRedo.Suffix(RedoCompression))];
        }

        await _copier.CopyAsync([.. files.Where(f => !StoredRedo.IsCompressed(f.SourcePath))], null, cancellationToken);
        await _copier.CopyExpandedAsync([.. files.Where(f => StoredRedo.IsCompressed(f.SourcePath))], cancellationToken);
        return [.. files.Select(f => f.SetPath)];
    }

    /// <summary>Writes a file the database handed back (PostgreSQL's backup_label) into the set.</summary>
    public void WriteGenerated(string path, string content)
    {
        string target = Target(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        ManifestFile? entry = null;
        using (var writer = AtomicFileWriter.Create(target))
        {
            if (_key is null)
            {
                writer.Stream.Write(Encoding.UTF8.GetBytes(content));
            }
            else
            {
                using var seal = _key.Seal(writer.Stream, path);
                seal.Write(Encoding.UTF8.GetBytes(content));
                entry = SetFileCopier.Sealed(seal, path, 0x180);
            }

            writer.Commit(overwrite: true);
        }

        _files.Add(entry ?? ManifestFile.FromFile(Folder, path, 0x180));
    }

    /// <summary>Makes a folder of the set for files the database engine writes itself; answers where it is.</summary>
    public string CreateDirectory(string path, int mode)
    {
        string target = Target(path);
        Directory.CreateDirectory(target);
        UnixFileSystem.SetPermissions(target, mode);
        _directories.Add(new ManifestDirectory(path, mode));
        return target;
    }

    /// <summary>Lists a file the database engine wrote into the set itself (SQLite's online backup API), with the mode it has.</summary>
    public void AddWritten(string path, CancellationToken cancellationToken) =>
        _files.Add(ManifestFile.FromFile(Folder, path, UnixFileSystem.Lstat(Target(path)).Permissions, cancellationToken));

    /// <summary>Records now as <see cref="TakenAt"/>.</summary>
    public void MarkTaken() => TakenAt = DateTimeOffset.UtcNow;

    public void Report(string status, string? current = null, long bytesDone = 0) =>
        _progress?.Report(new OperationProgress(_activity, status, current, BytesDone: bytesDone));

    private string Target(string path) => Path.Combine(Folder, path.Replace('/', Path.DirectorySeparatorChar));
}
