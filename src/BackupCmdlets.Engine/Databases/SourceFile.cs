namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One file or folder a provider wants in the set: where it is on the database host and where it goes
/// in the set (a relative path with '/' separators). <see cref="FirstBlockNumber"/> is the number of the
/// file's first block within its relation or datafile, for checksums that mix the block number in.
/// </summary>
internal sealed record SourceFile(string SourcePath, string SetPath, bool IsDirectory = false)
{
    /// <summary>Check every block with the provider's verifier while copying.</summary>
    public bool VerifyBlocks { get; init; }

    public long FirstBlockNumber { get; init; }

    /// <summary>A file whose pages tell when they last changed (a PostgreSQL relation's main fork): a differential or incremental set may store only its changed pages.</summary>
    public bool PageTracked { get; init; }

    /// <summary>Known size when listed (for progress); the copy takes what is there when it reads.</summary>
    public long Length { get; init; }

    /// <summary>A hot copy may find the file gone (a dropped table): the redo replays the drop, so that is no error.</summary>
    public bool MayVanish { get; init; }

    /// <summary>The master key of the encrypted WAL archive the file is read from (it is sealed there under its name without the suffix); null for a file in the clear.</summary>
    public byte[]? ArchiveKey { get; init; }
}
