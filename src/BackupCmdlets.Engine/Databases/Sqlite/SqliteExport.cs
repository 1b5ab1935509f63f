using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Data.Sqlite;

namespace BackupCmdlets.Engine.Databases.Sqlite;

/// <summary>
/// An SQLite database exported with VACUUM INTO: a new, compact database file written from one read
/// transaction (so it holds exactly the transactions committed before that began, while writers go on),
/// under a temporary name in the set, checked with PRAGMA integrity_check and then renamed; or, as
/// SqlDump, the SQL text that recreates it (<see cref="SqliteDumpWriter"/>), also from one read transaction.
/// </summary>
internal sealed class SqliteExport(ExportDatabaseRequest request) : IExportProvider
{
    private const string SetFolder = "database";
    private string? _source;
    private string? _temporary;
    private string _version = "";

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        _source = SqliteProvider.DatabasePath(request.ConnectionString, request.WorkingDirectory);
        await using var connection = SqliteProvider.Open(_source, SqliteOpenMode.ReadOnly);
        string version = _version = Scalar(connection, "SELECT sqlite_version()");
        int pageSize = int.Parse(Scalar(connection, "PRAGMA page_size"), System.Globalization.CultureInfo.InvariantCulture);
        return new DatabaseDescription(DatabaseEngine.Sqlite, _source, version, _source, pageSize, BlockChecksums: false);
    }

    public async Task<ManifestExport> ExportAsync(BackupSetWriter set, CancellationToken cancellationToken)
    {
        string source = _source ?? throw new InvalidOperationException("OpenAsync first.");
        string name = Path.GetFileName(source);
        bool dump = request.Format == ExportFormat.SqlDump;
        string setPath = $"{SetFolder}/{name}{(dump ? ".sql" : "")}";
        string final = Path.Combine(set.CreateDirectory(SetFolder, 0x1ED), Path.GetFileName(setPath));
        _temporary = TemporaryName.For(final);
        await using (var connection = SqliteProvider.Open(source, SqliteOpenMode.ReadOnly))
        {
            try
            {
                if (dump)
                {
                    set.Report("Exporting as SQL", source);
                    await using var output = new StreamWriter(_temporary, append: false, new System.Text.UTF8Encoding(false));
                    SqliteDumpWriter.Write(connection, output, cancellationToken);
                    await output.FlushAsync(cancellationToken);
                    ((FileStream)output.BaseStream).Flush(flushToDisk: true);
                }
                else
                {
                    set.Report("Exporting with VACUUM INTO", source);
                    await using var vacuum = connection.CreateCommand();
                    vacuum.CommandText = "VACUUM INTO $target";
                    vacuum.Parameters.AddWithValue("$target", _temporary);
                    await vacuum.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            catch (SqliteException ex)
            {
                throw new BackupException(Errors.ExportFailed, $"The export of '{source}' failed: {ex.Message}", source, ex);
            }
        }

        if (!dump)
        {
            set.Report("Checking integrity", final);
            SqliteProvider.CheckIntegrity(_temporary);
        }

        File.Move(_temporary, final);
        UnixFileSystem.FlushDirectory(Path.GetDirectoryName(final)!);
        set.AddWritten(setPath, cancellationToken);
        return new ManifestExport(dump ? ManifestExport.SqliteSqlDump : ManifestExport.SqliteDatabase, setPath, "SQLite " + _version, [], []);
    }

    /// <summary>Removes the temporary copy when the export did not get to rename it, and the side files a check of it may leave.</summary>
    public ValueTask DisposeAsync()
    {
        if (_temporary is not null)
        {
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(_temporary + suffix);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
