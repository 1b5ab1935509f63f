using System.Globalization;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>What a backup needs to know about a running PostgreSQL server.</summary>
internal sealed record ServerSettings(
    string DataDirectory,
    string WalLevel,
    string ArchiveMode,
    string ArchiveCommand,
    string ArchiveLibrary,
    bool DataChecksums,
    int BlockSize,
    long WalSegmentSize,
    long SegmentBlocks,
    string ServerVersion,
    string ServerVersionNumber,
    string SystemIdentifier,
    IReadOnlyList<(string Oid, string Name, string Location)> Tablespaces)
{
    public static async Task<ServerSettings> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT name, setting FROM pg_settings WHERE name IN ('data_directory','wal_level','archive_mode','archive_command','archive_library','data_checksums','block_size','wal_segment_size','segment_size','server_version','server_version_num')",
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                values[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
            }
        }

        if (!values.ContainsKey("data_directory"))
        {
            throw new BackupException(DatabaseErrorIds.ConnectionFailed, ErrorKind.PermissionDenied, "The user cannot read the server's settings (data_directory): connect as a superuser or a member of pg_read_all_settings.");
        }

        string systemIdentifier;
        await using (var command = new NpgsqlCommand("SELECT system_identifier::text FROM pg_control_system()", connection))
        {
            systemIdentifier = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        var tablespaces = new List<(string, string, string)>();
        await using (var command = new NpgsqlCommand("SELECT oid::text, spcname::text, pg_tablespace_location(oid) FROM pg_tablespace WHERE pg_tablespace_location(oid) <> '' ORDER BY oid", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tablespaces.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        int blockSize = int.Parse(values["block_size"], CultureInfo.InvariantCulture);
        return new ServerSettings(
            values["data_directory"],
            values.GetValueOrDefault("wal_level", "replica"),
            values.GetValueOrDefault("archive_mode", "off"),
            values.GetValueOrDefault("archive_command", ""),
            values.GetValueOrDefault("archive_library", ""),
            values.GetValueOrDefault("data_checksums", "off") == "on",
            blockSize,
            long.Parse(values["wal_segment_size"], CultureInfo.InvariantCulture),
            long.Parse(values["segment_size"], CultureInfo.InvariantCulture),
            values["server_version"],
            values["server_version_num"],
            systemIdentifier,
            tablespaces);
    }
}
