using System.Diagnostics;
using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Puts a pg_dump export back with pg_restore -j into the database the connection string names,
/// created (from template0) when it does not exist. A database that holds tables, views, sequences or
/// schemas of its own is refused without -Force; -Clean drops each object of the export before
/// creating it again. pg_restore stops at its first error.
/// </summary>
internal static class PostgreSqlImport
{
    private const string UndefinedDatabase = "3D000";

    public static async Task<ImportResult> ImportAsync(string setPath, BackupSetManifest manifest, ManifestExport export, ImportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string target = DatabaseBackup.DescribeConnection(DatabaseEngine.PostgreSql, request.ConnectionString);
        await using var connection = await OpenOrCreateAsync(request, progress, cancellationToken);
        string database = connection.Database;
        int serverMajor = connection.PostgreSqlVersion.Major;
        long objects = await CountObjectsAsync(connection, cancellationToken);
        if (objects > 0 && !request.Force)
        {
            throw new BackupException(
                Errors.ImportTargetNotEmpty,
                $"The database {target} is not empty ({objects} table(s), view(s), sequence(s) or schema(s) of its own): import into a new or empty database, or give {ParameterNames.Of(nameof(ImportDatabaseRequest.Force))} (with {ParameterNames.Of(nameof(ImportDatabaseRequest.Clean))} to drop the export's objects first).",
                target);
        }

        var pgRestore = PgClientTool.Find("pg_restore", Math.Max(serverMajor, MajorOf(export.Tool)));
        var arguments = new List<string>
        {
            "--format=directory",
            "--jobs=" + (request.ThrottleLimit ?? 1).ToString(CultureInfo.InvariantCulture),
            "--exit-on-error",
            "--no-password",
        };
        if (request.Clean)
        {
            arguments.Add("--clean");
            arguments.Add("--if-exists");
        }

        arguments.Add("--dbname=" + database);
        arguments.Add(Path.Combine(setPath, export.Path));
        progress?.Report(new OperationProgress("Import-Database", $"Importing with {pgRestore.Version}", target));
        using (var environment = LibpqEnvironment.For(request.ConnectionString, request.Credential, database))
        {
            var (exitCode, error) = await pgRestore.RunAsync(arguments, environment, cancellationToken);
            if (exitCode != 0)
            {
                throw new BackupException(Errors.ImportFailed, $"pg_restore into {target} failed (exit code {exitCode}): {error}", target);
            }
        }

        return new ImportResult(setPath, manifest.SetId, DatabaseEngine.PostgreSql, target, request.Clean, manifest.Files.Count, manifest.Files.Sum(f => f.Size), clock.Elapsed);
    }

    /// <summary>Connects to the target database; creates it first (through the postgres database) when the server says it does not exist.</summary>
    private static async Task<NpgsqlConnection> OpenOrCreateAsync(ImportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgreSqlProvider.ConnectAsync(request.ConnectionString, request.Credential, cancellationToken);
        }
        catch (BackupException ex) when (ex.InnerException is PostgresException { SqlState: UndefinedDatabase })
        {
            var builder = new NpgsqlConnectionStringBuilder(request.ConnectionString);
            string database = builder.Database ?? (request.Credential?.UserName is { Length: > 0 } user ? user : builder.Username ?? Environment.UserName);
            progress?.Report(new OperationProgress("Import-Database", "Creating the database", database));
            builder.Database = "postgres";
            await using (var maintenance = await PostgreSqlProvider.ConnectAsync(builder.ConnectionString, request.Credential, cancellationToken))
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)} TEMPLATE template0", maintenance);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            return await PostgreSqlProvider.ConnectAsync(request.ConnectionString, request.Credential, cancellationToken);
        }
    }

    private static async Task<long> CountObjectsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%')
                 + (SELECT count(*) FROM pg_namespace n
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\_%')
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static int MajorOf(string toolVersion)
    {
        int close = toolVersion.IndexOf(')', StringComparison.Ordinal);
        string rest = close >= 0 ? toolVersion[(close + 1)..].Trim() : "";
        int end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end]))
        {
            end++;
        }

        return end > 0 ? int.Parse(rest[..end], CultureInfo.InvariantCulture) : 0;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
