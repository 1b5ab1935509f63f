namespace BackupCmdlets.Engine;

/// <summary>The errors of trial restores (Test-BackupSet -Restore).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition RestoreTestFailed = new(nameof(RestoreTestFailed), ErrorKind.InvalidData, "The trial restore failed: the restored server did not start or recover, or pg_amcheck or integrity_check found damage.");

    public static readonly ErrorDefinition RestoreTestNotPossible = new(nameof(RestoreTestNotPossible), ErrorKind.NotEnabled, "A trial restore cannot run here: the server's programs or its user are missing.");
}
