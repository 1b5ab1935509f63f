namespace BackupCmdlets.Engine;

/// <summary>
/// A problem with one item (a file, an archive entry) that did not stop the run: an unreadable or
/// vanished file, a corrupt entry, a difference found by a comparison. Its id and kind come from the
/// catalogue (<see cref="Errors"/>).
/// </summary>
public sealed record ItemProblem(string Path, string ErrorId, ErrorKind Kind, string Message, long? Offset = null)
{
    public ItemProblem(string path, ErrorDefinition error, string message, long? offset = null)
        : this(path, error.Id, error.Kind, message, offset)
    {
    }

    public override string ToString() => Offset is { } offset ? $"{Path} (offset {offset}): {Message}" : $"{Path}: {Message}";
}
