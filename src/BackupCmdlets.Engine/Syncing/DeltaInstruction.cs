namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// One step of rebuilding the new file: <see cref="Length"/> bytes at <see cref="SourceOffset"/> of the new
/// file come from the old (basis) file at <see cref="BasisOffset"/> when it is a match, else from the new
/// file itself (literal data).
/// </summary>
internal readonly record struct DeltaInstruction(long SourceOffset, long Length, long BasisOffset)
{
    public const long Literal = -1;

    public bool IsMatch => BasisOffset >= 0;
}
