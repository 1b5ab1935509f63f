using System.Text;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// Writes the SQL text that recreates an SQLite database, in the order sqlite3's .dump uses: every table's
/// CREATE followed by its rows as INSERTs (values through SQLite's own quote(), so text, blobs, reals and
/// NULL come back exactly), the AUTOINCREMENT counters, then indexes, triggers and views; all read in one
/// read transaction, so the dump is one snapshot. Virtual tables are refused: their shadow tables cannot
/// be recreated by plain INSERTs.
/// </summary>
internal static class SqliteDumpWriter
{
    public static void Write(SqliteConnection connection, TextWriter output, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        var schema = new List<(string Type, string Name, string Sql)>();
        using (var command = Command(connection, transaction, "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                schema.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        if (schema.FirstOrDefault(s => s.Sql.StartsWith("CREATE VIRTUAL TABLE", StringComparison.OrdinalIgnoreCase)) is { Name: { } virtualTable })
        {
            throw new BackupException(Errors.ExportFailed, $"The table '{virtualTable}' is a virtual table, which an SQL dump cannot recreate: export the database file (the Native format).", virtualTable);
        }

        output.Write("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        foreach (var (_, name, sql) in schema.Where(s => s.Type == "table" && !s.Name.StartsWith("sqlite_", StringComparison.Ordinal)))
        {
            output.Write(sql + ";\n");
            WriteRows(connection, transaction, name, output, cancellationToken);
        }

        if (schema.Any(s => s is { Type: "table", Name: "sqlite_sequence" }))
        {
            output.Write("DELETE FROM sqlite_sequence;\n");
            WriteRows(connection, transaction, "sqlite_sequence", output, cancellationToken);
        }

        foreach (var (_, _, sql) in schema.Where(s => s.Type is "index" or "trigger" or "view"))
        {
            output.Write(sql + ";\n");
        }

        output.Write("COMMIT;\n");
    }

    private static void WriteRows(SqliteConnection connection, SqliteTransaction transaction, string table, TextWriter output, CancellationToken cancellationToken)
    {
        var columns = new List<string>();
        using (var info = Command(connection, transaction, $"SELECT name FROM pragma_table_info({Literal(table)})"))
        using (var reader = info.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        string insert = $"INSERT INTO {Identifier(table)} VALUES(";
        using var rows = Command(connection, transaction, $"SELECT {string.Join(", ", columns.Select(c => $"quote({Identifier(c)})"))} FROM {Identifier(table)}");
        using var values = rows.ExecuteReader();
        var line = new StringBuilder();
        while (values.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            line.Clear().Append(insert);
            for (int i = 0; i < values.FieldCount; i++)
            {
                line.Append(i == 0 ? "" : ",").Append(values.GetString(i));
            }

            output.Write(line.Append(");\n"));
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
