namespace BackupCmdlets.Engine;

/// <summary>The errors of database backups, backup sets, retention and restores.</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition DatabaseEngineNotAvailable = new(nameof(DatabaseEngineNotAvailable), ErrorKind.NotEnabled, "The database engine is not available for this operation.");

    public static readonly ErrorDefinition InvalidConnectionString = new(nameof(InvalidConnectionString), ErrorKind.InvalidArgument, "The connection string cannot be read, or names no database file.");

    public static readonly ErrorDefinition DatabaseConnectionFailed = new(nameof(DatabaseConnectionFailed), ErrorKind.ConnectionError, "The server cannot be reached or refuses the login.");

    public static readonly ErrorDefinition BackupPrivilegeMissing = new(nameof(BackupPrivilegeMissing), ErrorKind.PermissionDenied, "The role lacks a privilege the backup uses; the message gives each GRANT.");

    public static readonly ErrorDefinition StandbyBackupNotSupported = new(nameof(StandbyBackupNotSupported), ErrorKind.InvalidOperation, "A hot backup of a standby is refused: back up the primary.");

    public static readonly ErrorDefinition PrimaryConnectionRequired = new(nameof(PrimaryConnectionRequired), ErrorKind.InvalidArgument, "-FromStandby needs the primary's connection string, where the backup's last WAL segment is switched and archived.");

    public static readonly ErrorDefinition StandbyNotOfPrimary = new(nameof(StandbyNotOfPrimary), ErrorKind.InvalidArgument, "With -FromStandby the server is not a standby, or the primary is not its primary (in recovery, or another cluster).");

    public static readonly ErrorDefinition DataDirectoryNotFound = new(nameof(DataDirectoryNotFound), ErrorKind.ObjectNotFound, "The server's data directory is not on this host, or not readable.");

    public static readonly ErrorDefinition DestinationInsideSource = new(nameof(DestinationInsideSource), ErrorKind.InvalidArgument, "The repository lies inside what is backed up.");

    public static readonly ErrorDefinition BackupDestinationNotWritable = new(nameof(BackupDestinationNotWritable), ErrorKind.WriteError, "A set cannot be created in the repository.");

    public static readonly ErrorDefinition WalLevelMinimal = new(nameof(WalLevelMinimal), ErrorKind.NotEnabled, "wal_level is minimal: a hot backup needs replica or logical.");

    public static readonly ErrorDefinition WalArchivingOff = new(nameof(WalArchivingOff), ErrorKind.NotEnabled, "WAL archiving is off: a hot backup needs it.");

    public static readonly ErrorDefinition WalArchiveNotFound = new(nameof(WalArchiveNotFound), ErrorKind.ObjectNotFound, "The WAL archive folder cannot be found (give -WalArchivePath).");

    public static readonly ErrorDefinition WalArchivingFailed = new(nameof(WalArchivingFailed), ErrorKind.ResourceUnavailable, "pg_stat_archiver shows archive_command failing since the backup began.");

    public static readonly ErrorDefinition WalSegmentNotArchived = new(nameof(WalSegmentNotArchived), ErrorKind.ResourceUnavailable, "A WAL segment the set needs was not archived within -ArchiveTimeout.");

    public static readonly ErrorDefinition WalSegmentNotInArchive = new(nameof(WalSegmentNotInArchive), ErrorKind.ObjectNotFound, "The server archived a segment, but it is not in the folder searched.");

    public static readonly ErrorDefinition WalSegmentInvalid = new(nameof(WalSegmentInvalid), ErrorKind.InvalidData, "A WAL segment is cut short or is not the segment of this cluster it is named for.");

    public static readonly ErrorDefinition BackupStartFailed = new(nameof(BackupStartFailed), ErrorKind.InvalidOperation, "Backup mode could not be begun.");

    public static readonly ErrorDefinition EndBackupFailed = new(nameof(EndBackupFailed), ErrorKind.ResourceUnavailable, "Backup mode could not be ended: the message names what may still be in it and how to end it.");

    public static readonly ErrorDefinition DatabaseShutdownFailed = new(nameof(DatabaseShutdownFailed), ErrorKind.InvalidOperation, "The database could not be shut down for a cold backup.");

    public static readonly ErrorDefinition DatabaseRestartNotPossible = new(nameof(DatabaseRestartNotPossible), ErrorKind.InvalidOperation, "The server could not be started again as it was started, so it is not stopped.");

    public static readonly ErrorDefinition DatabaseNotRestarted = new(nameof(DatabaseNotRestarted), ErrorKind.ResourceUnavailable, "The database could not be started again after a cold backup.");

    public static readonly ErrorDefinition BackupCopyFailed = new(nameof(BackupCopyFailed), ErrorKind.WriteError, "Copying the database files into the set failed.");

    public static readonly ErrorDefinition CorruptBlock = new(nameof(CorruptBlock), ErrorKind.InvalidData, "A block is corrupt on the source: the set is marked Failed.");

    public static readonly ErrorDefinition SqliteIntegrityCheckFailed = new(nameof(SqliteIntegrityCheckFailed), ErrorKind.InvalidData, "PRAGMA integrity_check of the copy failed.");

    public static readonly ErrorDefinition SqliteDatabaseNotFound = new(nameof(SqliteDatabaseNotFound), ErrorKind.ObjectNotFound, "There is no SQLite database at the Data Source.");

    public static readonly ErrorDefinition BackupRepositoryNotFound = new(nameof(BackupRepositoryNotFound), ErrorKind.ObjectNotFound, "There is no repository folder there.");

    public static readonly ErrorDefinition BackupSetNotFound = new(nameof(BackupSetNotFound), ErrorKind.ObjectNotFound, "There is no backup set folder there.");

    public static readonly ErrorDefinition NotABackupSet = new(nameof(NotABackupSet), ErrorKind.InvalidArgument, "The folder is not a backup set; it is not touched.");

    public static readonly ErrorDefinition RepositoryIsBackupSet = new(nameof(RepositoryIsBackupSet), ErrorKind.InvalidArgument, "Retention was given a set folder, not the repository holding it.");

    public static readonly ErrorDefinition InvalidRetentionPolicy = new(nameof(InvalidRetentionPolicy), ErrorKind.InvalidArgument, "Retention without a rule, or -KeepLast below 1.");

    public static readonly ErrorDefinition BackupSetInProgress = new(nameof(BackupSetInProgress), ErrorKind.ResourceUnavailable, "The set is still being written; it is not removed.");

    public static readonly ErrorDefinition BackupSetIncomplete = new(nameof(BackupSetIncomplete), ErrorKind.InvalidData, "The set has no manifest: its backup failed, was cancelled or is running.");

    public static readonly ErrorDefinition BackupSetMarkedFailed = new(nameof(BackupSetMarkedFailed), ErrorKind.InvalidData, "The set is marked Failed (corrupt blocks on the source) and is never restored.");

    public static readonly ErrorDefinition BackupSetManifestUnreadable = new(nameof(BackupSetManifestUnreadable), ErrorKind.InvalidData, "The set's manifest cannot be read.");

    public static readonly ErrorDefinition BackupSetFileMissing = new(nameof(BackupSetFileMissing), ErrorKind.ObjectNotFound, "A file the manifest lists is missing from the set.");

    public static readonly ErrorDefinition BackupSetFileChanged = new(nameof(BackupSetFileChanged), ErrorKind.InvalidData, "A file of the set differs from the manifest (size or SHA-256).");

    public static readonly ErrorDefinition WalRangeIncomplete = new(nameof(WalRangeIncomplete), ErrorKind.InvalidData, "A WAL segment between the start and stop LSN is missing from the set.");

    public static readonly ErrorDefinition IncrementalNotSupported = new(nameof(IncrementalNotSupported), ErrorKind.InvalidArgument, "Differential and incremental sets are PostgreSQL hot backups in the Plain format only.");

    public static readonly ErrorDefinition BackupChainBroken = new(nameof(BackupChainBroken), ErrorKind.InvalidData, "A set a differential or incremental set builds on is missing, damaged or not its parent.");

    public static readonly ErrorDefinition BackupSetHasDependants = new(nameof(BackupSetHasDependants), ErrorKind.InvalidOperation, "Differential or incremental sets build on the set: remove them first.");

    public static readonly ErrorDefinition BackupSetVerificationFailed = new(nameof(BackupSetVerificationFailed), ErrorKind.InvalidData, "The set does not pass Test-BackupSet, so it is not restored.");

    public static readonly ErrorDefinition RestoreDestinationNotEmpty = new(nameof(RestoreDestinationNotEmpty), ErrorKind.ResourceExists, "The restore destination is not empty and -Force was not given.");

    public static readonly ErrorDefinition RestoreDeltaOtherCluster = new(nameof(RestoreDeltaOtherCluster), ErrorKind.InvalidArgument, "-Delta over a folder that is not a copy of the set's cluster.");

    public static readonly ErrorDefinition RestoreServerRunning = new(nameof(RestoreServerRunning), ErrorKind.ResourceUnavailable, "A running server owns the restore destination (-Force does not override this).");

    public static readonly ErrorDefinition RestoreTargetInUse = new(nameof(RestoreTargetInUse), ErrorKind.ResourceUnavailable, "A destination or tablespace location is, holds or lies in a running server's files.");

    public static readonly ErrorDefinition TablespaceMappingRequired = new(nameof(TablespaceMappingRequired), ErrorKind.InvalidArgument, "A tablespace's original location holds files: map it elsewhere with -TablespaceMapping.");

    public static readonly ErrorDefinition ArchivePathRequired = new(nameof(ArchivePathRequired), ErrorKind.InvalidArgument, "-ArchiveMode Redirect needs -ArchivePath.");

    public static readonly ErrorDefinition InvalidRecoveryTarget = new(nameof(InvalidRecoveryTarget), ErrorKind.InvalidArgument, "A malformed recovery target, both a time and an LSN, or one for a cold set.");

    public static readonly ErrorDefinition RecoveryTargetBeforeConsistency = new(nameof(RecoveryTargetBeforeConsistency), ErrorKind.InvalidArgument, "The recovery target lies before the point where the set becomes consistent.");

    public static readonly ErrorDefinition RecoveryTargetNotReachable = new(nameof(RecoveryTargetNotReachable), ErrorKind.InvalidArgument, "The recovery target lies past the WAL the set and the archive hold.");
}
