using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>One reading of pg_stat_archiver: what the server's archiver last archived, last failed on, and how often it failed.</summary>
internal sealed record ArchiverStatus(string LastArchivedWal, DateTime? LastArchivedTime, string LastFailedWal, DateTime? LastFailedTime, long FailedCount)
{
    /// <summary>
    /// How many attempts the archiver makes at a segment before it gives up until its next round
    /// (NUM_ARCHIVE_RETRIES in pgarch.c); that many failures with no success after them is a failing
    /// archive_command, not a passing hiccup.
    /// </summary>
    public const int AttemptsPerRound = 3;

    /// <summary>The archiver's newest failure is newer than its newest success.</summary>
    public bool Failing => LastFailedTime is { } failed && (LastArchivedTime is not { } archived || failed > archived);

    public static async Task<ArchiverStatus> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(last_archived_wal, ''), last_archived_time, coalesce(last_failed_wal, ''), last_failed_time, failed_count FROM pg_stat_archiver",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ArchiverStatus(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTime>(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTime>(3),
            reader.GetInt64(4));
    }

    /// <summary>Whether <paramref name="segment"/> (or a later one) was archived; last_archived_wal may also name a backup history file (segment name + <c>.offset.backup</c>).</summary>
    public bool HasArchived(string segment) => LastArchivedWal.Length >= 24 && string.CompareOrdinal(LastArchivedWal[..24], segment) >= 0;
}
