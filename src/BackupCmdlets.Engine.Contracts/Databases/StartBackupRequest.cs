using System.Net;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// What to back up and into which repository (a folder of backup sets): Start-HotBackup and
/// Start-ColdBackup. The credential, when given, supplies the user name and password; neither is ever
/// written to a manifest, a message or an error.
/// </summary>
public sealed partial record StartBackupRequest(
    [property: FrontParameter("The database engine: PostgreSql, Sqlite or Oracle.", Mandatory = true)]
    DatabaseEngine Engine,
    [property: FrontParameter("The connection string (PostgreSQL: Npgsql keywords; SQLite: Data Source=file, a relative file from the current location; Oracle: ODP.NET keywords). The password goes in the credential, not here.", Mandatory = true, Position = 0)]
    string ConnectionString,
    [property: FrontParameter("The repository folder; the set is a new folder in it, created when missing.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    /// <summary>User name and password for the connection (each front takes them in its own form).</summary>
    public NetworkCredential? Credential { get; init; }

    /// <summary>Where relative file paths inside the connection string (SQLite's Data Source) are resolved; null for the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    [FrontParameter("How many files are copied, and tar chunks compressed, at the same time.", Minimum = 1, Maximum = 256, Default = "hot: 1, so the database keeps the other cores; cold: one per core")]
    public int? ThrottleLimit { get; init; }

    [FrontParameter("A label recorded in the set (and, for a PostgreSQL hot backup, given to pg_backup_start).", Default = "one naming the time")]
    public string? Label { get; init; }

    [FrontParameter("PostgreSQL: the folder archive_command copies WAL into, when it cannot be read from archive_command.", Command = "Start-HotBackup", IsPath = true)]
    public string? WalArchivePath { get; init; }

    [FrontParameter("PostgreSQL: copy from the standby {ConnectionString} names, in backup mode on that standby, so the primary's disks are not read; the WAL comes from the primary's archive, where {PrimaryConnectionString} switches to a new segment so the backup's last one is archived.", Command = "Start-HotBackup")]
    public bool FromStandby { get; init; }

    [FrontParameter("PostgreSQL, with {FromStandby}: the primary's connection string (the credential is used for both).", Command = "Start-HotBackup")]
    public string? PrimaryConnectionString { get; init; }

    [FrontParameter("PostgreSQL: how many seconds to wait for the WAL the set needs to reach the archive before the backup fails (as pgBackRest's archive-timeout). A failing archive_command (seen in pg_stat_archiver) fails it at once.", Command = "Start-HotBackup", Minimum = 1, Maximum = 86400, Default = "60")]
    public int ArchiveTimeout { get; init; } = 60;

    [FrontParameter("PostgreSQL: Full copies every file; Differential the pages changed since the newest full set of the cluster, Incremental those changed since its newest set of any type (plain sets only; with no such set a full one is taken).", Command = "Start-HotBackup", Default = "Full")]
    public BackupType Type { get; init; } = BackupType.Full;

    [FrontParameter("Plain (a copy of the folders; with {Compression} Zstd each file compressed on its own) or Tar (one tar per data directory and tablespace).", Default = "Plain; Tar when {Compression} is given")]
    public BackupFormat? Format { get; init; }

    [FrontParameter("Compression of the tars and the WAL: None, GZip, BZip2 or Zstd (any but None implies {Format} Tar unless {Format} Plain is given: PostgreSQL, Zstd only, each file stored as a seekable zstd file, which incremental sets, parallel and -Delta restores work with; the WAL is stored zstd-compressed in a Zstd set, gzip-compressed in the others).", Default = "None", AllowedNames = [nameof(ArchiveCompression.None), nameof(ArchiveCompression.GZip), nameof(ArchiveCompression.BZip2), nameof(ArchiveCompression.Zstd)])]
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.None;

    [FrontParameter("PostgreSQL, Plain format (with {Compression} Zstd each file compressed first): encrypt every file of the set with AES-256-GCM (authenticated) under a key read from this file (at least 32 bytes, as from head -c 32 /dev/urandom). The manifest records how, never the key; restores and Test-BackupSet need the same key. A passphrase may be given instead: -EncryptionKey (a SecureString) in PowerShell, the BACKUPCMDLETS_ENCRYPTION_KEY environment variable for the CLI.", IsPath = true)]
    public string? EncryptionKeyFile { get; init; }

    /// <summary>A passphrase the set is encrypted under (the cmdlets' -EncryptionKey, a SecureString; the CLI's BACKUPCMDLETS_ENCRYPTION_KEY): its key is stretched from it with PBKDF2.</summary>
    public System.Security.SecureString? EncryptionKey { get; init; }

    [FrontParameter("Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder.", Default = "the BACKUPCMDLETS_ORACLE_DRIVER environment variable, then beside the module", IsPath = true)]
    public string? OracleDriverPath { get; init; }

    [FrontParameter("Oracle: ALTER DATABASE BEGIN/END BACKUP for the whole database instead of one tablespace at a time.", Command = "Start-HotBackup")]
    public bool WholeDatabase { get; init; }

    [FrontParameter("Oracle: back up only these tablespaces (names as unquoted identifiers).", Command = "Start-HotBackup", Default = "every tablespace with datafiles")]
    public IReadOnlyList<string> Tablespace { get; init; } = [];

    [FrontParameter("Oracle: end a stale backup mode (files ACTIVE in v$backup, as after a crash) before starting.", Command = "Start-HotBackup")]
    public bool Force { get; init; }

    public bool UsesTar => Format == BackupFormat.Tar || Format is null && Compression != ArchiveCompression.None;

    /// <summary>A Plain set whose files are each stored compressed (-Format Plain with -Compression).</summary>
    public bool CompressesFiles => Format == BackupFormat.Plain && Compression != ArchiveCompression.None;

    /// <summary>
    /// Files copied, and tar chunks compressed, at the same time. A hot backup shares the machine with
    /// a working database, so by default it copies one file and compresses one chunk at a time, as
    /// pg_basebackup -z does (tests/bench/results has the measurements); a cold backup has the
    /// machine to itself and uses every core.
    /// </summary>
    public int Workers(bool hot) => Math.Max(1, ThrottleLimit ?? (hot ? 1 : Environment.ProcessorCount));
}
