namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The fixed SQL the Oracle provider and export send (views v$database, v$instance, v$parameter, v$datafile,
/// v$tablespace, v$backup, v$archived_log, v$logfile, v$controlfile, all_directories; DBMS_DATAPUMP, UTL_FILE). Statements naming a tablespace or
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

    /// <summary>The path of a directory object (bound :directory_name) on the database host.</summary>
    public const string DirectoryPath = "SELECT directory_path FROM all_directories WHERE directory_name = :directory_name";

    /// <summary>Stops a Data Pump job of this user (bound :job_name) at once and drops its master table.</summary>
    public const string DataPumpStop =
        "DECLARE h NUMBER; BEGIN h := DBMS_DATAPUMP.ATTACH(job_name => :job_name, job_owner => USER); "
        + "DBMS_DATAPUMP.STOP_JOB(handle => h, immediate => 1, keep_master => 0); END;";

    /// <summary>Removes a file (bound :file_name) from a directory object (bound :directory_name) on the database host.</summary>
    public const string RemoveFile = "BEGIN UTL_FILE.FREMOVE(location => :directory_name, filename => :file_name); END;";

    /// <summary>
    /// A Data Pump export run to its end in one call: the job defined (its mode, dump and log files in the
    /// directory, the schemas with <paramref name="schemaFilter"/>, consistent as of one SCN, its parallelism),
    /// started, and waited for (which detaches from it); its final state comes back in :job_state. A failure before the job starts
    /// stops the defined job, so no orphan master table stays behind. Every bind appears once, in the order bound.
    /// </summary>
    public static string DataPumpExport(bool schemaFilter) =>
        "DECLARE h NUMBER; job_state VARCHAR2(30); BEGIN "
        + "h := DBMS_DATAPUMP.OPEN(operation => 'EXPORT', job_mode => :job_mode, job_name => :job_name); "
        + "BEGIN "
        + "DBMS_DATAPUMP.ADD_FILE(handle => h, filename => :dump_file, directory => :dump_directory, filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_DUMP_FILE); "
        + "DBMS_DATAPUMP.ADD_FILE(handle => h, filename => :log_file, directory => :log_directory, filetype => DBMS_DATAPUMP.KU$_FILE_TYPE_LOG_FILE); "
        + (schemaFilter ? "DBMS_DATAPUMP.METADATA_FILTER(handle => h, name => 'SCHEMA_EXPR', value => :schema_expr); " : "")
        + "DBMS_DATAPUMP.SET_PARAMETER(handle => h, name => 'FLASHBACK_SCN', value => :flashback_scn); "
        + "DBMS_DATAPUMP.SET_PARALLEL(handle => h, degree => :degree); "
        + "DBMS_DATAPUMP.START_JOB(handle => h); "
        + "EXCEPTION WHEN OTHERS THEN DBMS_DATAPUMP.STOP_JOB(handle => h, immediate => 1, keep_master => 0); RAISE; "
        + "END; "
        + "DBMS_DATAPUMP.WAIT_FOR_JOB(handle => h, job_state => job_state); "
        + ":job_state := job_state; END;";

    public static string TablespaceBeginBackup(string tablespace) => $"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} BEGIN BACKUP";

    public static string TablespaceEndBackup(string tablespace) => $"ALTER TABLESPACE {OracleSql.QuoteIdentifier(tablespace)} END BACKUP";

    public static string BackupControlfile(string path) => $"ALTER DATABASE BACKUP CONTROLFILE TO {OracleSql.QuoteLiteral(path)}";

    public static string BackupControlfileToTrace(string path) => $"ALTER DATABASE BACKUP CONTROLFILE TO TRACE AS {OracleSql.QuoteLiteral(path)}";
}
