namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// What a logical set holds: the export's <paramref name="Format"/> (<see cref="PostgreSqlDirectory"/>:
/// pg_dump's directory format; <see cref="SqliteDatabase"/>: a database file written by VACUUM INTO;
/// <see cref="SqliteSqlDump"/>: the SQL text that recreates an SQLite database; <see cref="OracleDataPump"/>:
/// the dump files of a Data Pump export job) at
/// <paramref name="Path"/> in the set, the tool that wrote it, and the schemas and tables it was limited to.
/// </summary>
internal sealed record ManifestExport(string Format, string Path, string Tool, IReadOnlyList<string> Schemas, IReadOnlyList<string> Tables)
{
    public const string PostgreSqlDirectory = "PostgreSqlDirectory";
    public const string SqliteDatabase = "SqliteDatabase";
    public const string SqliteSqlDump = "SqliteSqlDump";
    public const string OracleDataPump = "OracleDataPump";

    /// <summary>Oracle: the log Data Pump wrote for the job, as a path in the set.</summary>
    public string? Log { get; init; }
}
