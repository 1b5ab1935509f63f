namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// What Invoke-DeltaSync mirrors and how: the destination folder is made to match the source folder's
/// contents, as <c>rsync -a SOURCE/ DESTINATION/</c> does.
/// </summary>
public sealed partial record SyncRequest(
    string SourcePath,
    [property: FrontParameter("The mirror folder; created when missing.", Mandatory = true, Position = 1, IsPath = true)]
    string DestinationPath)
{
    [FrontParameter("Remove destination entries the source no longer has.")]
    public bool Delete { get; init; }

    [FrontParameter("Change nothing when more than this many entries would be deleted (an unmounted, empty source must not wipe a backup).", Minimum = 0, Default = "no limit")]
    public int? MaxDelete { get; init; }

    [FrontParameter("rsync-style patterns of entries to leave out: *.tmp, /anchored, dir/, **, dir/***.")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [FrontParameter("rsync-style patterns of entries to keep even when an exclude pattern matches them (tried first).")]
    public IReadOnlyList<string> Include { get; init; } = [];

    [FrontParameter("Also delete excluded entries from the destination (implies {Delete}).")]
    public bool DeleteExcluded { get; init; }

    [FrontParameter("Compare contents instead of size and modification time.")]
    public bool Checksum { get; init; }

    [FrontParameter("Write only the changed blocks into existing files. Not crash-safe: an interrupted sync leaves such a file part old, part new.")]
    public bool InPlace { get; init; }

    [FrontParameter("Keep holes as holes, as rsync -S does: a file written anew gets no disk blocks for the source's holes nor for runs of zeros. Blocks that {InPlace} writes into an existing file are written as they are.")]
    public bool Sparse { get; init; }

    [FrontParameter("Keep extended attributes, as rsync -X does: user.*, and as root also trusted.* and security.* (symlinks keep none). One that cannot be copied is a non-terminating error (SyncXattrsFailed); the entry is synced.")]
    public bool Xattrs { get; init; }

    [FrontParameter("Keep POSIX ACLs (access, and a folder's default), as rsync -A does. One that cannot be copied is a non-terminating error (SyncXattrsFailed); the entry is synced.")]
    public bool Acls { get; init; }

    [FrontParameter("Keep hard links as hard links.")]
    public bool HardLinks { get; init; }

    [FrontParameter("Keep owner and group also when not running as root (as root they are always kept).")]
    public bool PreserveOwner { get; init; }

    [FrontParameter("Read the source from a read-only snapshot of its volume (a btrfs subvolume, an LVM logical volume), taken before reading and always removed afterwards, so the mirror is one consistent point-in-time image while applications keep writing. The result names the snapshot and its time. A source on another file system, or holding another mount or subvolume, is refused before anything is taken.")]
    public bool Snapshot { get; init; }

    /// <summary>The folder the source is read from instead of itself (its place in a snapshot); results keep the source's own path.</summary>
    internal string? ReadSourceFrom { get; init; }

    /// <summary>Only work out and list the changes; change nothing (-WhatIf, --what-if).</summary>
    public bool DryRun { get; init; }

    [FrontParameter("Parallel workers for scanning and copying.", Minimum = 1, Maximum = 256, Default = "twice the cores, at most 16")]
    public int? ThrottleLimit { get; init; }
}
