using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// One change a sync made to the destination: the pipeline object of <c>Invoke-DeltaSync -PassThru</c>
/// and of <c>-WhatIf</c>. <see cref="Bytes"/> counts data written (rsync's literal data),
/// <see cref="BytesReused"/> data rebuilt from the old destination file (rsync's matched data).
/// </summary>
public sealed record SyncChange(SyncAction Action, string Path, FileKind ItemType, SyncReason Reason, long Bytes, long BytesReused)
{
    public override string ToString() => $"{Action} {ItemType} {Path} ({Reason})";
}
