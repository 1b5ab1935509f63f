using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// The files of one set as restores and Test-BackupSet read them: as stored, or, in an encrypted set,
/// opened with its key (every chunk authenticated as it is read); a compressed one then expanded. Opening an encrypted set without a
/// key, or with another key, fails here, before any of its files is read.
/// </summary>
internal sealed class SetContent
{
    private readonly IReadOnlySet<string> _compressed;

    private SetContent(string setPath, BackupSetManifest manifest, SetKey? key)
    {
        SetPath = setPath;
        Manifest = manifest;
        Key = key;
        _compressed = manifest.Files.Where(f => f.Compression is not null).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
    }

    public string SetPath { get; }

    public BackupSetManifest Manifest { get; }

    /// <summary>The set's opened key; null for a set stored in the clear.</summary>
    public SetKey? Key { get; }

    public static SetContent Open(string setPath, BackupSetManifest manifest, EncryptionSecret? secret)
    {
        if (manifest.Encryption is not { } encryption)
        {
            return new SetContent(setPath, manifest, null);
        }

        if (secret is null)
        {
            throw encryption.KeyRequired("The set", setPath);
        }

        return new SetContent(setPath, manifest, new SetKey(secret.MasterKey(encryption, setPath)));
    }

    /// <summary>The content of the set's file <paramref name="path"/> ('/' separators): decrypted and expanded as it is stored.</summary>
    public Stream OpenRead(string path) =>
        _compressed.Contains(path) ? OpenCompressed(path).AsStream()
        : Key is { } key ? key.Open(Full(path), path).AsStream()
        : new FileStream(Full(path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);

    /// <summary>Writes the content of the set's <paramref name="file"/> into <paramref name="output"/>: a compressed one expanded on every core (<see cref="CompressedSetFile.ExpandToAsync"/>).</summary>
    public async Task CopyContentAsync(ManifestFile file, Stream output, CancellationToken cancellationToken)
    {
        if (_compressed.Contains(file.Path))
        {
            using var compressed = OpenCompressed(file.Path);
            await compressed.ExpandToAsync(output, Environment.ProcessorCount, cancellationToken);
            return;
        }

        await using var input = OpenRead(file.Path);
        await input.CopyToAsync(output, 1 << 20, cancellationToken);
    }

    /// <summary>The content of the set's redo file <paramref name="path"/>: decrypted, then decompressed as its suffix says.</summary>
    public Stream OpenRedo(string path) =>
        Key is { } key ? StoredRedo.Expanded(key.Open(Full(path), path).AsStream(), path) : StoredRedo.OpenRead(Full(path));

    /// <summary>The set's file <paramref name="path"/> for reads at any offset.</summary>
    public IPositionedReader OpenPositioned(string path) =>
        _compressed.Contains(path) ? OpenCompressed(path)
        : Key is { } key ? key.Open(Full(path), path)
        : PlainFileReader.Open(Full(path));

    /// <summary>The length of the content of <paramref name="file"/> (its stored size when stored as it is).</summary>
    public long ContentLength(ManifestFile file) =>
        file.ContentSize ?? (Key is null ? file.Size : SealedFile.TryPlainLength(file.Size, out long length, out _) ? length : -1);

    /// <summary>-Delta: the file at <paramref name="copy"/> holds what the set's <paramref name="file"/> holds (size and SHA-256 of the content, or in an encrypted set the content MAC).</summary>
    public bool Matches(string copy, ManifestFile file, CancellationToken cancellationToken)
    {
        if (UnixFileSystem.TryLstat(copy) is not { Kind: FileKind.File } existing || existing.Size != ContentLength(file))
        {
            return false;
        }

        return Key is { } key
            ? file.ContentMac is { } mac && key.ContentMacOf(copy, cancellationToken) == mac
            : ManifestFile.FromFile(Path.GetDirectoryName(copy)!, Path.GetFileName(copy), file.Mode, cancellationToken).Sha256 == (file.ContentSha256 ?? file.Sha256);
    }

    /// <summary>
    /// Test-BackupSet with the key, in one read of the encrypted <paramref name="file"/>: it has its stored size,
    /// the salt recorded for it, and every chunk authenticates, so it is the file the set wrote (the manifest
    /// holding the salt is itself authenticated); the problem (named <paramref name="reportAs"/>), or null.
    /// The caller has seen that the file is there.
    /// </summary>
    public ItemProblem? AuthenticationProblem(ManifestFile file, string reportAs, CancellationToken cancellationToken)
    {
        var key = Key ?? throw new InvalidOperationException("Only an opened encrypted set is authenticated.");
        try
        {
            long storedSize = UnixFileSystem.TryLstat(Full(file.Path))?.Size ?? -1;
            if (storedSize != file.Size)
            {
                return new ItemProblem(reportAs, Errors.BackupSetFileChanged, $"differs from the manifest (size {storedSize}, expected {file.Size})");
            }

            using var reader = key.Open(Full(file.Path), file.Path);
            if (reader.Salt != file.Salt)
            {
                return new ItemProblem(reportAs, Errors.EncryptedFileDamaged, "it is not the file the set wrote under that name (its header's salt differs from the manifest's)");
            }

            reader.ReadAll(cancellationToken);
            return null;
        }
        catch (BackupException ex) when (ex.Error == Errors.EncryptedFileDamaged)
        {
            return new ItemProblem(reportAs, Errors.EncryptedFileDamaged, ex.Message);
        }
    }

    /// <summary>A file stored compressed (<see cref="ZstdSeekableWriter"/>), in an encrypted set read through its key.</summary>
    private CompressedSetFile OpenCompressed(string path) =>
        CompressedSetFile.Open(Key is { } key ? key.Open(Full(path), path) : PlainFileReader.Open(Full(path)), path);

    private string Full(string path) => Path.Combine(SetPath, path.Replace('/', Path.DirectorySeparatorChar));
}
