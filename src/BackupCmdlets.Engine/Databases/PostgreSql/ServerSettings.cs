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
    bool InRecovery,
    IReadOnlyList<(string Oid, string Name, string Location)> Tablespaces)
{
    /// <summary>The settings every backup reads (data_directory only with pg_read_all_settings).</summary>
    public static readonly IReadOnlyList<string> ReadByEveryBackup =
        ["data_directory", "data_checksums", "block_size", "wal_segment_size", "segment_size", "server_version", "server_version_num"];

    /// <summary>The settings a hot backup reads besides <see cref="ReadByEveryBackup"/>, to decide whether it can be made.</summary>
    public static readonly IReadOnlyList<string> ReadByHotBackup = ["wal_level", "archive_mode", "archive_command", "archive_library"];

    /// <summary>Reads the settings, once <see cref="BackupPrivileges"/> has made sure the role may.</summary>
    public static async Task<ServerSettings> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT name, setting FROM pg_settings WHERE name = ANY($1)", connection))
        {
            command.Parameters.AddWithValue(ReadByEveryBackup.Concat(ReadByHotBackup).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
            }
        }

        string systemIdentifier;
        bool inRecovery;
        await using (var command = new NpgsqlCommand("SELECT system_identifier::text, pg_is_in_recovery() FROM pg_control_system()", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            systemIdentifier = reader.GetString(0);
            inRecovery = reader.GetBoolean(1);
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
            inRecovery,
            tablespaces);
    }
}
