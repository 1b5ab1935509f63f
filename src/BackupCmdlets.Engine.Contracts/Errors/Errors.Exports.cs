namespace BackupCmdlets.Engine;

/// <summary>The errors of logical exports and imports (Export-Database, Import-Database).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition ExportToolNotFound = new(nameof(ExportToolNotFound), ErrorKind.ObjectNotFound, "pg_dump or pg_restore of the server's major version (or newer) cannot be found.");

    public static readonly ErrorDefinition ExportFailed = new(nameof(ExportFailed), ErrorKind.InvalidOperation, "The export failed; the message holds what pg_dump, SQLite or Data Pump (its job state and log) said. No set is left behind.");

    public static readonly ErrorDefinition ExportDirectoryNotReachable = new(nameof(ExportDirectoryNotReachable), ErrorKind.ResourceUnavailable, "Oracle: the Data Pump directory's path cannot be read from this host (the files of a job that ran are removed).");

    public static readonly ErrorDefinition ExportDirectoryNotFound = new(nameof(ExportDirectoryNotFound), ErrorKind.ObjectNotFound, "Oracle: there is no directory object of that name (or the user may not use it).");

    public static readonly ErrorDefinition ImportFailed = new(nameof(ImportFailed), ErrorKind.InvalidOperation, "The import failed; the message holds what pg_restore (or SQLite) said.");

    public static readonly ErrorDefinition ImportTargetNotEmpty = new(nameof(ImportTargetNotEmpty), ErrorKind.ResourceExists, "The import's target database is not empty and -Force was not given.");

    public static readonly ErrorDefinition ImportSetNotLogical = new(nameof(ImportSetNotLogical), ErrorKind.InvalidArgument, "Import-Database was given a hot or cold set (use Restore-BackupSet), or Restore-BackupSet an export (use Import-Database).");

    public static readonly ErrorDefinition ImportEngineMismatch = new(nameof(ImportEngineMismatch), ErrorKind.InvalidArgument, "The export is of another engine than the import's target.");
}
