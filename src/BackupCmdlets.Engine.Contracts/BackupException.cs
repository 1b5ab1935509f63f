namespace BackupCmdlets.Engine;

/// <summary>
/// An engine failure: an error of the catalogue (<see cref="Errors"/>, which gives its stable id and
/// kind), a message, the path it concerns, and where in the input it was found when that is an offset
/// (an archive's byte). Messages never carry secrets.
/// </summary>
public class BackupException : Exception
{
    public BackupException(ErrorDefinition error, string message, string? path = null, Exception? inner = null, long? offset = null)
        : base(message, inner)
    {
        Error = error;
        Path = path;
        Offset = offset;
    }

    public ErrorDefinition Error { get; }

    public string ErrorId => Error.Id;

    public ErrorKind Kind => Error.Kind;

    public string? Path { get; }

    /// <summary>The byte offset in the input (an archive) where the error was found; null when it has none.</summary>
    public long? Offset { get; }
}
