namespace BackupCmdlets.Engine.Syncing;

/// <summary>What a sync did (or, in a dry run, would do) to one destination entry.</summary>
public enum SyncAction
{
    Create,
    Update,
    Delete,
}
