namespace BackupCmdlets.Engine.Syncing;

/// <summary>The stable error ids of Invoke-DeltaSync (FullyQualifiedErrorId in PowerShell, printed by the CLI).</summary>
public static class SyncErrorIds
{
    public const string SourceNotFound = "SyncSourceNotFound";
    public const string SourceNotDirectory = "SyncSourceNotDirectory";
    public const string SourceSymlinkLoop = "SyncSourceSymlinkLoop";
    public const string DestinationNotDirectory = "SyncDestinationNotDirectory";
    public const string DestinationInsideSource = "SyncDestinationInsideSource";
    public const string SourceInsideDestination = "SyncSourceInsideDestination";
    public const string MaxDeleteExceeded = "SyncMaxDeleteExceeded";
    public const string InvalidPattern = "SyncInvalidPattern";
    public const string SourceVanished = "SyncSourceVanished";
    public const string SourceUnreadable = "SyncSourceUnreadable";
    public const string SourceKeptChanging = "SyncSourceKeptChanging";
    public const string DestinationUnreadable = "SyncDestinationUnreadable";
    public const string DestinationFull = "SyncDestinationFull";
    public const string WriteFailed = "SyncWriteFailed";
    public const string DeleteFailed = "SyncDeleteFailed";
    public const string SeveralSources = "SyncSeveralSources";
    public const string XattrsFailed = "SyncXattrsFailed";
}
