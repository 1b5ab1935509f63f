namespace BackupCmdlets.Engine;

/// <summary>The errors of Oracle.</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition OracleDriverNotFound = new(nameof(OracleDriverNotFound), ErrorKind.ObjectNotFound, "ODP.NET (Oracle.ManagedDataAccess.dll) was not found where looked for.");

    public static readonly ErrorDefinition OracleDriverInvalid = new(nameof(OracleDriverInvalid), ErrorKind.InvalidArgument, "The file given as the Oracle driver is not ODP.NET.");

    public static readonly ErrorDefinition OracleDriverNeedsRuntime = new(nameof(OracleDriverNeedsRuntime), ErrorKind.NotEnabled, "The native CLI cannot load the Oracle driver: use the module or the CLI on .NET.");

    public static readonly ErrorDefinition OracleNoArchiveLogMode = new(nameof(OracleNoArchiveLogMode), ErrorKind.InvalidOperation, "The database is in NOARCHIVELOG mode: a hot backup needs ARCHIVELOG.");

    public static readonly ErrorDefinition OracleBackupModeActive = new(nameof(OracleBackupModeActive), ErrorKind.ResourceUnavailable, "Files are in backup mode already (give -Force to end a stale one).");

    public static readonly ErrorDefinition OracleBackupModeNotConfirmed = new(nameof(OracleBackupModeNotConfirmed), ErrorKind.InvalidOperation, "v$backup does not confirm backup mode.");

    public static readonly ErrorDefinition OracleTablespaceNotFound = new(nameof(OracleTablespaceNotFound), ErrorKind.ObjectNotFound, "A tablespace given does not exist.");

    public static readonly ErrorDefinition OracleWholeDatabaseWithTablespace = new(nameof(OracleWholeDatabaseWithTablespace), ErrorKind.InvalidArgument, "-WholeDatabase and -Tablespace do not go together.");

    public static readonly ErrorDefinition OracleInvalidIdentifier = new(nameof(OracleInvalidIdentifier), ErrorKind.InvalidArgument, "A tablespace, schema or directory name that is not an unquoted Oracle identifier.");

    public static readonly ErrorDefinition OracleInvalidLiteral = new(nameof(OracleInvalidLiteral), ErrorKind.InvalidArgument, "A file name that cannot be an Oracle string literal.");

    public static readonly ErrorDefinition OracleArchivedLogsIncomplete = new(nameof(OracleArchivedLogsIncomplete), ErrorKind.ObjectNotFound, "The archived logs do not cover the backup's SCN range.");

    public static readonly ErrorDefinition OracleInstanceControlUnavailable = new(nameof(OracleInstanceControlUnavailable), ErrorKind.NotEnabled, "The instance cannot be shut down and started from here.");

    public static readonly ErrorDefinition OracleTarFormatNotSupported = new(nameof(OracleTarFormatNotSupported), ErrorKind.InvalidArgument, "Oracle sets are plain copies: -Format Tar and -Compression are refused.");

    public static readonly ErrorDefinition OracleDatafileNotFound = new(nameof(OracleDatafileNotFound), ErrorKind.ObjectNotFound, "A datafile the database lists is not on this host.");
}
