using System.Net;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// What to back up and into which repository (a folder of backup sets). The credential, when given,
/// supplies the user name and password; neither is ever written to a manifest, a message or an error.
/// </summary>
public sealed record StartBackupRequest(DatabaseEngine Engine, string ConnectionString, string DestinationPath)
{
    public NetworkCredential? Credential { get; init; }

    /// <summary>Where relative file paths inside the connection string (SQLite's Data Source) are resolved; null for the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Files copied (and tar chunks compressed) at the same time; null for the defaults: a hot backup
    /// copies one file at a time, a cold one a file per core, and compression uses every core.
    /// </summary>
    public int? ThrottleLimit { get; init; }

    /// <summary>A label recorded in the set (and given to pg_backup_start); a default names the time.</summary>
    public string? Label { get; init; }

    /// <summary>PostgreSQL: the folder archive_command copies WAL into; null to read it from a <c>cp %p DIR/%f</c>-style archive_command.</summary>
    public string? WalArchivePath { get; init; }

    /// <summary>
    /// PostgreSQL hot: how long to wait for the WAL the set needs to reach the archive (as pgBackRest's
    /// archive-timeout); a failing archive_command ends the wait sooner.
    /// </summary>
    public TimeSpan ArchiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Plain copy, or one tar per data directory and tablespace (written by the archive engine).</summary>
    public BackupFormat Format { get; init; } = BackupFormat.Plain;

    /// <summary>Compression of the tars; anything but None implies <see cref="BackupFormat.Tar"/>.</summary>
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.None;

    /// <summary>Oracle: Oracle.ManagedDataAccess.dll or its folder; null to look in BACKUPCMDLETS_ORACLE_DRIVER, then beside the module.</summary>
    public string? OracleDriverPath { get; init; }

    /// <summary>Oracle hot: ALTER DATABASE BEGIN/END BACKUP instead of one tablespace at a time.</summary>
    public bool WholeDatabase { get; init; }

    /// <summary>Oracle hot: only these tablespaces (default: every tablespace with datafiles).</summary>
    public IReadOnlyList<string> Tablespace { get; init; } = [];

    /// <summary>Oracle hot: end a stale backup mode (files ACTIVE in v$backup, as after a crash) before starting.</summary>
    public bool Force { get; init; }

    public bool UsesTar => Format == BackupFormat.Tar || Compression != ArchiveCompression.None;

    /// <summary>
    /// Files copied, and tar chunks compressed, at the same time. A hot backup shares the machine with
    /// a working database, so by default it copies one file and compresses one chunk at a time, as
    /// pg_basebackup -z does (tests/bench/results has the measurements); a cold backup has the
    /// machine to itself and uses every core.
    /// </summary>
    public int Workers(bool hot) => Math.Max(1, ThrottleLimit ?? (hot ? 1 : Environment.ProcessorCount));
}
