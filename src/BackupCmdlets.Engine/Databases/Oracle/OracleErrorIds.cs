namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>The stable error ids of Oracle backups (the generic ones are in <see cref="DatabaseErrorIds"/>).</summary>
public static class OracleErrorIds
{
    public const string DriverNotFound = "OracleDriverNotFound";
    public const string DriverInvalid = "OracleDriverInvalid";
    public const string DriverNeedsRuntime = "OracleDriverNeedsRuntime";
    public const string NoArchiveLog = "OracleNoArchiveLogMode";
    public const string BackupModeActive = "OracleBackupModeActive";
    public const string BackupModeNotConfirmed = "OracleBackupModeNotConfirmed";
    public const string TablespaceNotFound = "OracleTablespaceNotFound";
    public const string WholeDatabaseWithTablespace = "OracleWholeDatabaseWithTablespace";
    public const string InvalidIdentifier = "OracleInvalidIdentifier";
    public const string InvalidLiteral = "OracleInvalidLiteral";
    public const string ArchivedLogsIncomplete = "OracleArchivedLogsIncomplete";
    public const string InstanceControlUnavailable = "OracleInstanceControlUnavailable";
    public const string FormatNotSupported = "OracleTarFormatNotSupported";
    public const string DatafileNotFound = "OracleDatafileNotFound";
}
