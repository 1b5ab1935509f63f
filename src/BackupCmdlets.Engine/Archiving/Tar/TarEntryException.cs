namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// One entry the reader could not decode (a damaged sparse map): its data is skipped, so reading goes
/// on with the next entry, and the caller reports this one as a problem.
/// </summary>
internal sealed class TarEntryException(ErrorDefinition error, string entryName, long offset, string message)
    : BackupException(error, message, entryName, offset: offset)
{
    public string EntryName { get; } = entryName;

    public ItemProblem ToProblem() => new(EntryName, Error, Message, Offset);
}
