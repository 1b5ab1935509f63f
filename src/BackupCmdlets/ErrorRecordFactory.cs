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
        new(new BackupException(Errors.Find(problem.ErrorId) ?? Errors.UnexpectedError, problem.ToString(), problem.Path, offset: problem.Offset), problem.ErrorId, Category(problem.Kind), problem.Path);

    public static ErrorRecord From(Exception ex, object? target) => ex switch
    {
        BackupException backup => From(backup, target),
        AggregateException { InnerExceptions.Count: 1 } aggregate => From(aggregate.InnerExceptions[0], target),
        FileNotFoundException or DirectoryNotFoundException => Record(ex, Errors.PathNotFound, target),
        UnauthorizedAccessException => Record(ex, Errors.AccessDenied, target),
        InvalidDataException => Record(ex, Errors.InvalidData, target),
        IOException => Record(ex, Errors.IOError, target),
        OperationCanceledException => Record(ex, Errors.OperationCanceled, target),
        ArgumentException => Record(ex, Errors.InvalidArgument, target),
        NotSupportedException => Record(ex, Errors.NotSupported, target),
        _ => Record(ex, Errors.UnexpectedError, target),
    };

    public static ErrorRecord PathNotFound(string path) =>
        Record(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."), Errors.PathNotFound, path);

    /// <summary>A path PowerShell could not resolve at all: a drive or provider that does not exist.</summary>
    public static ErrorRecord PathNotResolved(Exception ex, string path) => ex switch
    {
        System.Management.Automation.DriveNotFoundException => Record(ex, Errors.DriveNotFound, path),
        ProviderNotFoundException => Record(ex, Errors.ProviderNotFound, path),
        _ => PathNotFound(path),
    };

    public static ErrorRecord NotFileSystem(string path) =>
        Record(new ArgumentException($"'{path}' is not a file-system path: BackupCmdlets reads and writes files only."), Errors.NotFileSystemPath, path);

    /// <summary>A usage error the cmdlet finds itself (several sources for one mirror, say).</summary>
    public static ErrorRecord Usage(ErrorDefinition error, string message, object? target) =>
        Record(new ArgumentException(message), error, target);

    public static ErrorRecord Record(Exception ex, ErrorDefinition error, object? target) =>
        new(ex, error.Id, Category(error.Kind), target);

    private static ErrorCategory Category(ErrorKind kind) =>
        Enum.TryParse<ErrorCategory>(kind.ToString(), out var category) ? category : ErrorCategory.NotSpecified;
}
