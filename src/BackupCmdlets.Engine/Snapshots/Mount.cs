namespace BackupCmdlets.Engine.Snapshots;

/// <summary>One line of /proc/self/mountinfo: where a file system is mounted, which of its folders is the mount's root, its type, and its device.</summary>
internal sealed record Mount(string MountPoint, string Root, string FileSystem, string Source);
