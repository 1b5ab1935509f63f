namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// One entry the reader could not decode (a damaged sparse map): its data is skipped, so reading goes
/// on with the next entry, and the caller reports this one as a problem.
/// </summary>
internal sealed class TarEntryException(string errorId, string entryName, long offset, string message)
    : BackupException(errorId, ErrorKind.InvalidData, message, entryName)
{
    public string EntryName { get; } = entryName;

    public long Offset { get; } = offset;

    public ItemProblem ToProblem() => new(EntryName, ErrorId, Kind, Message, Offset);
}
