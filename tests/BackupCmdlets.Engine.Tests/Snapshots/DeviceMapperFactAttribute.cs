using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Snapshots;

/// <summary>
/// A test that needs LVM: runs as root where the kernel's device-mapper answers (<c>dmsetup targets</c>)
/// and lvm2's tools are installed; otherwise it is reported as skipped with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeviceMapperFactAttribute : FactAttribute
{
    public DeviceMapperFactAttribute()
    {
        if (!IO.UnixFileSystem.IsRoot)
        {
            Skip = "LVM snapshots need root.";
        }
        else if (!ExternalTool.Exists("dmsetup") || ExternalTool.Run("dmsetup", "targets").ExitCode != 0)
        {
            Skip = "The kernel's device-mapper does not answer here (dmsetup targets fails), so no LVM volume can exist: the LVM provider is built to lvcreate's documented commands and tested only where device-mapper works.";
        }
        else if (!ExternalTool.Exists("lvcreate"))
        {
            Skip = "lvm2 is not installed (apt-get install lvm2).";
        }
    }
}
