namespace BackupCmdlets.Engine.Databases;

/// <summary>The stable error ids of database backups, restores and backup sets.</summary>
public static class DatabaseErrorIds
{
    public const string ConnectionFailed = "DatabaseConnectionFailed";
    public const string WalLevelMinimal = "WalLevelMinimal";
    public const string WalArchivingOff = "WalArchivingOff";
    public const string WalArchiveNotFound = "WalArchiveNotFound";
    public const string WalSegmentNotArchived = "WalSegmentNotArchived";
    public const string WalSegmentNotInArchive = "WalSegmentNotInArchive";
    public const string WalArchivingFailed = "WalArchivingFailed";
    public const string WalSegmentInvalid = "WalSegmentInvalid";
    public const string PrivilegeMissing = "BackupPrivilegeMissing";
    public const string StandbyNotSupported = "StandbyBackupNotSupported";
    public const string DataDirectoryNotFound = "DataDirectoryNotFound";
    public const string BackupStartFailed = "BackupStartFailed";
    public const string EndBackupFailed = "EndBackupFailed";
    public const string ShutdownFailed = "DatabaseShutdownFailed";
    public const string StartupFailed = "DatabaseNotRestarted";
    public const string RestartNotPossible = "DatabaseRestartNotPossible";
    public const string CopyFailed = "BackupCopyFailed";
    public const string DestinationNotWritable = "BackupDestinationNotWritable";
    public const string CorruptBlock = "CorruptBlock";
    public const string BackupFailed = "BackupFailedCorruptBlocks";
    public const string EngineNotAvailable = "DatabaseEngineNotAvailable";
    public const string InvalidConnectionString = "InvalidConnectionString";
    public const string DestinationInsideSource = "DestinationInsideSource";
    public const string IntegrityCheckFailed = "SqliteIntegrityCheckFailed";
    public const string SqliteDatabaseNotFound = "SqliteDatabaseNotFound";

    public const string RepositoryNotFound = "BackupRepositoryNotFound";
    public const string BackupSetNotFound = "BackupSetNotFound";
    public const string BackupSetIncomplete = "BackupSetIncomplete";
    public const string BackupSetMarkedFailed = "BackupSetMarkedFailed";
    public const string ManifestUnreadable = "BackupSetManifestUnreadable";
    public const string FileMissing = "BackupSetFileMissing";
    public const string FileChanged = "BackupSetFileChanged";
    public const string WalRangeIncomplete = "WalRangeIncomplete";
    public const string VerificationFailed = "BackupSetVerificationFailed";
    public const string DestinationNotEmpty = "RestoreDestinationNotEmpty";
    public const string InvalidRecoveryTarget = "InvalidRecoveryTarget";
    public const string RecoveryTargetBeforeConsistency = "RecoveryTargetBeforeConsistency";
    public const string RecoveryTargetNotReachable = "RecoveryTargetNotReachable";
    public const string RestoreServerRunning = "RestoreServerRunning";
    public const string RestoreTargetInUse = "RestoreTargetInUse";
    public const string TablespaceMappingRequired = "TablespaceMappingRequired";
    public const string ArchivePathRequired = "ArchivePathRequired";
    public const string InvalidRetention = "InvalidRetentionPolicy";
    public const string RepositoryIsBackupSet = "RepositoryIsBackupSet";
    public const string NotABackupSet = "NotABackupSet";
    public const string BackupSetInProgress = "BackupSetInProgress";
}
