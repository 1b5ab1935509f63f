using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Incremental;

/// <summary>
/// One folder record of a snapshot file: how the folder was identified (device as glibc's dev_t, inode),
/// its modification time, its name as the archive names it (no trailing '/'), and the names it held.
/// </summary>
internal sealed record SnapshotFolder(bool Nfs, UnixTime ModifiedTime, ulong Device, ulong Inode, string Name, IReadOnlyList<DumpDirectoryName> Contents);
