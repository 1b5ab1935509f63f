using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// A PostgreSQL database exported by pg_dump in its directory format (-Fd) into the set's <c>dump</c>
/// folder: schema and data, -j tables at a time, all read in one snapshot (pg_dump shares its snapshot
/// with its workers), limited to the schemas (-n) and tables (-t) asked for. The server may be on
/// another host: only a client connection is needed.
/// </summary>
internal sealed class PostgreSqlExport(ExportDatabaseRequest request) : IExportProvider
{
    private const string DumpFolder = "dump";
    private int _serverMajor;
    private string? _database;

    public async Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken)
    {
        if (request.Format != ExportFormat.Native)
        {
            throw new BackupException(Errors.ParameterOutOfRange, $"A PostgreSQL export is pg_dump's directory format: {ParameterNames.Of(nameof(ExportDatabaseRequest.Format))} {request.Format} is for SQLite.");
        }

        await using var connection = await PostgreSqlProvider.ConnectAsync(request.ConnectionString, request.Credential, cancellationToken);
        string version;
        int blockSize;
        await using (var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, current_setting('server_version'), current_database(), current_setting('block_size')::int", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            _serverMajor = reader.GetInt32(0) / 10000;
            version = reader.GetString(1);
            _database = reader.GetString(2);
            blockSize = reader.GetInt32(3);
        }

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        string location = $"{builder.Host}:{builder.Port}/{_database}";

        // Retention tells databases apart by identity: the cluster's system identifier with the database name, or where it was reached when the role may not read the identifier.
        string cluster = await SystemIdentifierAsync(connection, cancellationToken) ?? $"{builder.Host}:{builder.Port}";
        return new DatabaseDescription(DatabaseEngine.PostgreSql, $"{cluster}/{_database}", version, location, blockSize, BlockChecksums: false);
    }

    private static async Task<string?> SystemIdentifierAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT system_identifier::text FROM pg_control_system()", connection);
            return (string?)await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }
    }

    public async Task<ManifestExport> ExportAsync(BackupSetWriter set, CancellationToken cancellationToken)
    {
        var pgDump = PgClientTool.Find("pg_dump", _serverMajor);
        string folder = set.CreateDirectory(DumpFolder, 0x1C0);
        var arguments = new List<string>
        {
            "--format=directory",
            "--file=" + folder,
            "--jobs=" + (request.ThrottleLimit ?? 1).ToString(CultureInfo.InvariantCulture),
            "--no-password",
        };
        arguments.AddRange(request.Schema.Select(s => "--schema=" + s));
        arguments.AddRange(request.Table.Select(t => "--table=" + t));
        set.Report($"Exporting with {pgDump.Version}", _database);
        using (var environment = LibpqEnvironment.For(request.ConnectionString, request.Credential, _database))
        {
            var (exitCode, error) = await pgDump.RunAsync(arguments, environment, cancellationToken);
            if (exitCode != 0)
            {
                throw new BackupException(Errors.ExportFailed, $"pg_dump of '{_database}' failed (exit code {exitCode}): {error}", _database);
            }
        }

        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (UnixFileSystem.Lstat(file).Kind != FileKind.File)
            {
                throw new BackupException(Errors.ExportFailed, $"pg_dump left '{file}', which is not a file, in the export.", file);
            }

            set.AddWritten($"{DumpFolder}/{Path.GetFileName(file)}", cancellationToken);
        }

        return new ManifestExport(ManifestExport.PostgreSqlDirectory, DumpFolder, pgDump.Version, request.Schema, request.Table);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
