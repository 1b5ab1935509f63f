using System.Data.Common;
using System.Globalization;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>The real database named by BACKUPCMDLETS_ORACLE, for the real-Oracle variants: its state read from the same views the provider uses.</summary>
internal static class RealOracle
{
    public static string ConnectionString => Environment.GetEnvironmentVariable(RealOracleFactAttribute.ConnectionVariable)!;

    public static DbProviderFactory Factory => OracleDriver.Load(null);

    public static StartBackupRequest Request(string repository) => new(DatabaseEngine.Oracle, ConnectionString, repository) { ThrottleLimit = 2 };

    /// <summary>File numbers ACTIVE in v$backup now.</summary>
    public static IReadOnlyList<long> ActiveFiles() =>
        [.. Query("SELECT file# FROM v$backup WHERE status = 'ACTIVE' ORDER BY file#", r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture))];

    /// <summary>The archived logs holding SCN start..end: (sequence, first, next).</summary>
    public static IReadOnlyList<(long Sequence, long First, long Next)> ArchivedLogs(long start, long end) =>
        [.. Query(
            $"SELECT DISTINCT sequence#, first_change#, next_change# FROM v$archived_log WHERE thread# = 1 AND next_change# > {start} AND first_change# <= {end} ORDER BY sequence#",
            r => (Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)))];

    /// <summary>A tablespace with datafiles other than SYSTEM and SYSAUX (USERS in a default database).</summary>
    public static string UserTablespace() =>
        Query("SELECT t.name FROM v$tablespace t JOIN v$datafile d ON d.ts# = t.ts# WHERE t.name NOT IN ('SYSTEM', 'SYSAUX') ORDER BY t.name", r => r.GetString(0)).First();

    public static bool IsOpen() => Query("SELECT status FROM v$instance", r => r.GetString(0)).Single() == "OPEN";

    public static void Execute(string sql) => Query(sql, _ => 0);

    public static List<T> Query<T>(string sql, Func<DbDataReader, T> row)
    {
        using var connection = Factory.CreateConnection()!;
        connection.ConnectionString = ConnectionString;
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }

        return rows;
    }
}
