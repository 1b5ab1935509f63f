using System.Net;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// What to export and into which repository (Export-Database): a logical backup set beside the hot and
/// cold ones. The connection is given as for Start-HotBackup; the credential is never written to the
/// set, a command line, a message or an error.
/// </summary>
public sealed partial record ExportDatabaseRequest(
    [property: FrontParameter("The database engine: PostgreSql, Sqlite or Oracle.", Mandatory = true)]
    DatabaseEngine Engine,
    [property: FrontParameter("The connection string of the database to export (PostgreSQL: Npgsql keywords, the database named by Database; SQLite: Data Source=file, a relative file from the current location; Oracle: ODP.NET keywords). The password goes in the credential, not here.", Mandatory = true, Position = 0)]
    string ConnectionString,
    [property: FrontParameter("The repository folder; the export is a new set in it, created when missing.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    /// <summary>User name and password for the connection (each front takes them in its own form).</summary>
    public NetworkCredential? Credential { get; init; }

    /// <summary>Where relative file paths inside the connection string (SQLite's Data Source) are resolved; null for the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    [FrontParameter("PostgreSQL: how many tables pg_dump exports at the same time (pg_dump -j), all from one snapshot; Oracle: the Data Pump job's degree of parallelism.", Minimum = 1, Maximum = 256, Default = "1")]
    public int? ThrottleLimit { get; init; }

    [FrontParameter("PostgreSQL: export only these schemas (pg_dump -n; patterns as pg_dump takes them). Oracle: a schema export of these schemas (names as unquoted identifiers) instead of a full one.", Default = "every schema")]
    public IReadOnlyList<string> Schema { get; init; } = [];

    [FrontParameter("PostgreSQL: export only these tables (pg_dump -t; patterns as pg_dump takes them); {Schema} is then ignored, as pg_dump ignores -n beside -t.", Default = "every table")]
    public IReadOnlyList<string> Table { get; init; } = [];

    [FrontParameter("Native (PostgreSQL: pg_dump's directory format; SQLite: a database file written by VACUUM INTO) or SqlDump (SQLite only: the SQL text that recreates the database, as sqlite3's .dump).", Default = "Native")]
    public ExportFormat Format { get; init; } = ExportFormat.Native;

    [FrontParameter("Oracle: the directory object Data Pump writes the dump into; its path must be readable from here (the database host, or a share mounted at the same path).", Default = "DATA_PUMP_DIR")]
    public string OracleDirectory { get; init; } = "DATA_PUMP_DIR";

    [FrontParameter("Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder.", Default = "the BACKUPCMDLETS_ORACLE_DRIVER environment variable, then beside the module", IsPath = true)]
    public string? OracleDriverPath { get; init; }

    [FrontParameter("A label recorded in the set.")]
    public string? Label { get; init; }
}
