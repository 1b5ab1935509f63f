namespace BackupCmdlets.Engine;

/// <summary>
/// A problem with one item (a file, an archive entry) that did not stop the run: an unreadable or
/// vanished file, a corrupt entry, a difference found by a comparison.
/// </summary>
public sealed record ItemProblem(string Path, string ErrorId, ErrorKind Kind, string Message, long? Offset = null)
{
    public override string ToString() => Offset is { } offset ? $"{Path} (offset {offset}): {Message}" : $"{Path}: {Message}";
}
