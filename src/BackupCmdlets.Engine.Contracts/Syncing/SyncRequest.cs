namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// What Invoke-DeltaSync mirrors and how: the destination folder is made to match the source folder's
/// contents, as <c>rsync -a SOURCE/ DESTINATION/</c> does.
/// </summary>
public sealed record SyncRequest(string SourcePath, string DestinationPath)
{
    /// <summary>The default number of parallel workers: copying small files waits on the kernel, so twice the cores, at most 16.</summary>
    public static int DefaultThrottleLimit => Math.Clamp(Environment.ProcessorCount * 2, 2, 16);

    /// <summary>Remove destination entries the source no longer has.</summary>
    public bool Delete { get; init; }

    /// <summary>Refuse to change anything when more than this many entries would be deleted.</summary>
    public int? MaxDelete { get; init; }

    /// <summary>Also delete destination entries that match the exclude rules (implies <see cref="Delete"/>).</summary>
    public bool DeleteExcluded { get; init; }

    /// <summary>rsync-style patterns (<c>*.tmp</c>, <c>/anchored</c>, <c>dir/</c>, <c>**</c>) for entries to leave out.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>rsync-style patterns for entries to keep even when an exclude rule matches them; checked first.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Compare file contents instead of size and modification time.</summary>
    public bool Checksum { get; init; }

    /// <summary>Write only the changed blocks into existing destination files (not crash-safe: a killed run leaves the file part old, part new).</summary>
    public bool InPlace { get; init; }

    /// <summary>
    /// Keep holes as holes, as <c>rsync -S</c> does: a file written anew gets no disk blocks for the
    /// source's holes nor for runs of zeros. Blocks written into an existing file by <see cref="InPlace"/>
    /// are written as they are.
    /// </summary>
    public bool Sparse { get; init; }

    /// <summary>Keep extended attributes, as <c>rsync -X</c> does: user.*, and as root also trusted.* and security.* (symlinks keep none).</summary>
    public bool Xattrs { get; init; }

    /// <summary>Keep POSIX ACLs (access, and a folder's default), as <c>rsync -A</c> does.</summary>
    public bool Acls { get; init; }

    /// <summary>Keep hard links as hard links.</summary>
    public bool HardLinks { get; init; }

    /// <summary>Keep owner and group also when not running as root (as root they are always kept).</summary>
    public bool PreserveOwner { get; init; }

    /// <summary>Only work out and list the changes; change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Parallel workers for scanning and copying; null for a default fitting the core count.</summary>
    public int? ThrottleLimit { get; init; }
}
