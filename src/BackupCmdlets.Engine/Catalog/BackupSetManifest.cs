using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The record of a backup set, stored as <c>manifest.json</c> in the set folder, written last and
/// atomically: a folder without it is an incomplete set. It holds no secret.
/// </summary>
internal sealed record BackupSetManifest
{
    public const string FileName = "manifest.json";

    /// <summary>Encrypted sets: the HMAC-SHA256 of <see cref="FileName"/>'s bytes under the set's key (hex), written just before it, so a changed manifest is found with the key.</summary>
    public const string MacFileName = "manifest.json.hmac";
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string SetId { get; init; }

    public required DatabaseEngine Engine { get; init; }

    public required BackupKind Kind { get; init; }

    public required BackupSetStatus Status { get; init; }

    public string? Label { get; init; }

    public required DatabaseDescription Database { get; init; }

    public required DateTimeOffset StartTime { get; init; }

    public required DateTimeOffset StopTime { get; init; }

    /// <summary>Redo position (PostgreSQL LSN) when backup mode began; null for cold and SQLite sets.</summary>
    public string? StartPosition { get; init; }

    /// <summary>Redo position when backup mode ended: recovery must replay at least to here.</summary>
    public string? StopPosition { get; init; }

    /// <summary>When backup mode ended (hot sets): a recovery target time before it cannot be reached.</summary>
    public DateTimeOffset? ConsistentTime { get; init; }

    /// <summary>The end of the redo kept in the set (at or after <see cref="StopPosition"/>).</summary>
    public string? EndPosition { get; init; }

    public long? Timeline { get; init; }

    /// <summary>Size of one WAL segment (PostgreSQL), to name the segments a range needs.</summary>
    public long? WalSegmentSize { get; init; }

    /// <summary>Where the server archived its redo when the set was made (PostgreSQL: the WAL archive folder): what recovery past the set reads.</summary>
    public string? RedoArchive { get; init; }

    /// <summary>The redo files are stored compressed, each on its own as its name plus the suffix of <see cref="RedoCompression"/> (compressed sets).</summary>
    public bool RedoCompressed { get; init; }

    /// <summary>How compressed redo files are: GZip (<c>.gz</c>) or Zstd (<c>.zst</c>); null in sets written before zstd, whose redo is gzip.</summary>
    public Archiving.ArchiveCompression? RedoCompression { get; init; }

    /// <summary>Each part put into backup mode on its own (the PostgreSQL cluster; an Oracle tablespace), with its start and stop position.</summary>
    public IReadOnlyList<ManifestScope> Scopes { get; init; } = [];

    /// <summary>Owner of the database files, so a restore run as root hands them back to it.</summary>
    public long? OwnerId { get; init; }

    public long? GroupId { get; init; }

    public IReadOnlyList<TablespaceEntry> Tablespaces { get; init; } = [];

    public IReadOnlyList<ManifestDirectory> Directories { get; init; } = [];

    public IReadOnlyList<ManifestFile> Files { get; init; } = [];

    /// <summary>Tars holding a data directory or tablespace (tar format); their files are in <see cref="Files"/> too.</summary>
    public IReadOnlyList<ManifestArchive> Archives { get; init; } = [];

    /// <summary>The redo/WAL files in the set (also listed in <see cref="Files"/>), in order.</summary>
    public IReadOnlyList<string> RedoFiles { get; init; } = [];

    /// <summary>Oracle: the start SCN of each datafile (v$backup CHANGE# at BEGIN BACKUP), keyed by its set path.</summary>
    public IReadOnlyDictionary<string, string> FileStartPositions { get; init; } = new Dictionary<string, string>();

    /// <summary>Oracle: the archived log sequences in the set (thread_sequence), in order.</summary>
    public IReadOnlyList<string> RedoSequences { get; init; } = [];

    public required BlockCheckSummary BlockChecks { get; init; }

    /// <summary>Full (null in sets written before differential and incremental sets), Differential or Incremental.</summary>
    public BackupType? Type { get; init; }

    /// <summary>The set this one builds on (a sibling folder in the repository); null for a full set.</summary>
    public string? ParentSetId { get; init; }

    /// <summary>The redo position pages were compared with: the parent's start position. A page with an LSN at or after it changed since the parent began.</summary>
    public string? ReferencePosition { get; init; }

    /// <summary>The relation files stored as their changed pages only (the rest of each comes from the parent chain).</summary>
    public IReadOnlyList<ManifestPageDelta> PageDeltas { get; init; } = [];

    /// <summary>The interrupted set whose files this one took over where their source had not changed (<c>resume.jsonl</c>); null when it read every file itself.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>How the set's files are encrypted (never the key); null for a set stored in the clear.</summary>
    public ManifestEncryption? Encryption { get; init; }

    /// <summary>Logical sets: what the export holds and where in the set; null for hot and cold sets.</summary>
    public ManifestExport? Export { get; init; }
}

/// <summary>A backup-mode scope and the redo positions at its begin and end.</summary>
internal sealed record ManifestScope(string Name, string StartPosition, string StopPosition);

/// <summary>A folder of the set, recreated (with its mode) on restore even when empty.</summary>
internal sealed record ManifestDirectory(string Path, int Mode);

/// <summary>A tar in the set holding the folder <paramref name="Root"/> (<c>data</c> or <c>tablespaces/&lt;oid&gt;</c>).</summary>
internal sealed record ManifestArchive(string Path, string Root, Archiving.ArchiveCompression Compression);
