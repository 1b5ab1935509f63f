using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>One change the plan makes to the destination, with the metadata both sides had when scanned.</summary>
internal sealed record PlannedChange(SyncAction Action, SyncReason Reason, string Path, FileKind ItemType, FileMetadata? Source, FileMetadata? Destination)
{
    /// <summary>The file's contents are copied (or delta-transferred), not only its metadata set.</summary>
    public bool TransfersData { get; init; }

    /// <summary>For a symlink: the target it holds in the source.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>For a hard link: the path (relative to the tree) of the first name of the same file.</summary>
    public string? HardLinkLeader { get; init; }

    /// <summary>Handed to the applier while the scan was still running (see <see cref="SyncApplier.StartEarly"/>).</summary>
    public bool StartedEarly { get; init; }

    /// <summary>False for deletions that -MaxDelete does not count (our own leftover temporaries).</summary>
    public bool CountsAsDeletion { get; init; } = true;

    public int Depth => DepthOf(Path);

    /// <summary>How many names deep a relative path is ("" is the top folder, 0).</summary>
    public static int DepthOf(string path) => path.Length == 0 ? 0 : path.Count(c => c == '/') + 1;
}
