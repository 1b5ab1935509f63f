using System.Management.Automation;
using BackupCmdlets.Engine;

namespace BackupCmdlets;

/// <summary>
/// Failures as ErrorRecords: every one with a stable id and a fitting category. Engine failures keep
/// the engine's id; the few .NET exceptions that can still reach a cmdlet get ids of their own, and
/// anything else is UnexpectedError (never the bare .NET type name).
/// </summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord From(BackupException ex, object? target) =>
        new(ex, ex.ErrorId, Category(ex.Kind), ex.Path ?? target);

    public static ErrorRecord From(ItemProblem problem) =>
        new(new BackupException(problem.ErrorId, problem.Kind, problem.ToString(), problem.Path), problem.ErrorId, Category(problem.Kind), problem.Path);

    public static ErrorRecord From(Exception ex, object? target) => ex switch
    {
        BackupException backup => From(backup, target),
        AggregateException { InnerExceptions.Count: 1 } aggregate => From(aggregate.InnerExceptions[0], target),
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, target),
        UnauthorizedAccessException => new ErrorRecord(ex, "AccessDenied", ErrorCategory.PermissionDenied, target),
        InvalidDataException => new ErrorRecord(ex, "InvalidData", ErrorCategory.InvalidData, target),
        IOException => new ErrorRecord(ex, "IOError", ErrorCategory.WriteError, target),
        OperationCanceledException => new ErrorRecord(ex, "OperationCanceled", ErrorCategory.OperationStopped, target),
        ArgumentException => new ErrorRecord(ex, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        NotSupportedException => new ErrorRecord(ex, "NotSupported", ErrorCategory.NotImplemented, target),
        _ => new ErrorRecord(ex, "UnexpectedError", ErrorCategory.NotSpecified, target),
    };

    public static ErrorRecord PathNotFound(string path) =>
        new(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, path);

    /// <summary>A path PowerShell could not resolve at all: a drive or provider that does not exist.</summary>
    public static ErrorRecord PathNotResolved(Exception ex, string path) => ex switch
    {
        System.Management.Automation.DriveNotFoundException => new ErrorRecord(ex, "DriveNotFound", ErrorCategory.ObjectNotFound, path),
        ProviderNotFoundException => new ErrorRecord(ex, "ProviderNotFound", ErrorCategory.ObjectNotFound, path),
        _ => PathNotFound(path),
    };

    public static ErrorRecord NotFileSystem(string path) =>
        new(new ArgumentException($"'{path}' is not a file-system path: BackupCmdlets reads and writes files only."), "NotFileSystemPath", ErrorCategory.InvalidArgument, path);

    /// <summary>A usage error the cmdlet finds itself (several sources for one mirror, say).</summary>
    public static ErrorRecord Usage(string errorId, string message, object? target) =>
        new(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);

    private static ErrorCategory Category(ErrorKind kind) =>
        Enum.TryParse<ErrorCategory>(kind.ToString(), out var category) ? category : ErrorCategory.NotSpecified;
}
