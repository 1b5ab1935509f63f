namespace BackupCmdlets.Engine;

/// <summary>The errors of the fronts (PowerShell path resolution and confirmation, and .NET failures that reach them).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition NotFileSystemPath = new(nameof(NotFileSystemPath), ErrorKind.InvalidArgument, "A path on another provider than the file system (env:, function:).");

    public static readonly ErrorDefinition DriveNotFound = new(nameof(DriveNotFound), ErrorKind.ObjectNotFound, "A path on a drive that does not exist.");

    public static readonly ErrorDefinition ProviderNotFound = new(nameof(ProviderNotFound), ErrorKind.ObjectNotFound, "A path on a provider that does not exist.");

    public static readonly ErrorDefinition ConfirmationRequired = new(nameof(ConfirmationRequired), ErrorKind.InvalidOperation, "A high-impact cmdlet needs a confirmation the session cannot give: add -Force.");

    public static readonly ErrorDefinition RestoreSeveralSets = new(nameof(RestoreSeveralSets), ErrorKind.InvalidArgument, "More than one set was given for one restore destination.");

    public static readonly ErrorDefinition AccessDenied = new(nameof(AccessDenied), ErrorKind.PermissionDenied, "The system refused access.");

    public static readonly ErrorDefinition InvalidData = new(nameof(InvalidData), ErrorKind.InvalidData, "Data that could not be read as what it should be.");

    public static readonly ErrorDefinition IOError = new(nameof(IOError), ErrorKind.WriteError, "An input or output error of the system.");

    public static readonly ErrorDefinition OperationCanceled = new(nameof(OperationCanceled), ErrorKind.OperationStopped, "The operation was cancelled.");

    public static readonly ErrorDefinition ParameterOutOfRange = new(nameof(ParameterOutOfRange), ErrorKind.InvalidArgument, "A parameter's value outside the range or values it allows (a throttle limit of 0).");

    public static readonly ErrorDefinition InvalidArgument = new(nameof(InvalidArgument), ErrorKind.InvalidArgument, "An argument the operation cannot take.");

    public static readonly ErrorDefinition NotSupported = new(nameof(NotSupported), ErrorKind.NotImplemented, "Something this system does not support.");

    public static readonly ErrorDefinition UnexpectedError = new(nameof(UnexpectedError), ErrorKind.NotSpecified, "A failure not foreseen (please report it, with its message).");
}
