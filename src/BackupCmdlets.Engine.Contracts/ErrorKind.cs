namespace BackupCmdlets.Engine;

/// <summary>
/// What kind of failure an engine error is. The names match PowerShell's ErrorCategory members so
/// the cmdlet layer can map them one to one without the engine referencing PowerShell.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    ObjectNotFound,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    PermissionDenied,
    ResourceExists,
    ResourceUnavailable,
    ReadError,
    WriteError,
    OperationStopped,
    NotEnabled,
    SecurityError,
    ConnectionError,
    DeviceError,
    InvalidType,
    NotImplemented,
}
