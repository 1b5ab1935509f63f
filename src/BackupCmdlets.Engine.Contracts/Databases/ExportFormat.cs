namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// How an export stores the database. Native: PostgreSQL's pg_dump directory format; for SQLite a
/// database file written by VACUUM INTO. SqlDump (SQLite only): the SQL text that creates the schema and
/// inserts every row, as sqlite3's .dump writes it.
/// </summary>
public enum ExportFormat
{
    Native,
    SqlDump,
}
