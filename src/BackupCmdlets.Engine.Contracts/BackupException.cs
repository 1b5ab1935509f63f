namespace BackupCmdlets.Engine;

/// <summary>
/// An engine failure with a stable error id (for FullyQualifiedErrorId and the CLI), a kind, and the
/// path it concerns. Messages never carry secrets.
/// </summary>
public class BackupException : Exception
{
    public BackupException(string errorId, ErrorKind kind, string message, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Path = path;
    }

    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    public string? Path { get; }
}
