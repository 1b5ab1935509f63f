namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The fixed SQL the Oracle provider sends (views v$database, v$instance, v$parameter, v$datafile,
/// v$tablespace, v$backup, v$archived_log, v$logfile, v$controlfile). Statements naming a tablespace or
/// a file are built in <see cref="OracleProvider"/> through <see cref="OracleSql"/> only.
/// </summary>
internal static class OracleStatements
{
    public const string Database = "SELECT dbid, name, log_mode, resetlogs_change# FROM v$database";
    public const string Version = "SELECT version FROM v$instance";
    public const string BlockSize = "SELECT value FROM v$parameter WHERE name = 'db_block_size'";
    public const string Datafiles = "SELECT d.file#, t.name, d.name, d.block_size, d.bytes FROM v$datafile d JOIN v$tablespace t ON t.ts# = d.ts# ORDER BY d.file#";
    public const string BackupStatus = "SELECT file#, status, change# FROM v$backup ORDER BY file#";
    public const string CurrentScn = "SELECT current_scn FROM v$database";
    public const string ArchiveLogCurrent = "ALTER SYSTEM ARCHIVE LOG CURRENT";
    public const string DatabaseBeginBackup = "ALTER DATABASE BEGIN BACKUP";
    public const string DatabaseEndBackup = "ALTER DATABASE END BACKUP";
    public const string Logfiles = "SELECT member FROM v$logfile ORDER BY group#, member";
    public const string Controlfiles = "SELECT name FROM v$controlfile";

    /// <summary>Archived logs holding redo between the two bound SCNs; deleted and unnamed (remote-only) copies left out.</summary>
    public const string ArchivedLogs =
        "SELECT thread#, sequence#, first_change#, next_change#, name FROM v$archived_log "
        + "WHERE name IS NOT NULL AND deleted = 'NO' AND next_change# > :start_scn AND first_change# <= :end_scn ORDER BY thread#, sequence#";

    public static string TablespaceBeginBackup(string tablespace) => $"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} BEGIN BACKUP";

    public static string TablespaceEndBackup(string tablespace) => $"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} END BACKUP";

    public static string BackupControlfile(string path) => $"ALTER DATABASE BACKUP CONTROLFILE TO {OracleSql.QuoteLiteral(path)}";

    public static string BackupControlfileToTrace(string path) => $"ALTER DATABASE BACKUP CONTROLFILE TO TRACE AS {OracleSql.QuoteLiteral(path)}";
}
