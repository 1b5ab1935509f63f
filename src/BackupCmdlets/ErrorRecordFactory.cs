using System.Management.Automation;
using BackupCmdlets.Engine;

namespace BackupCmdlets;

/// <summary>Engine failures as ErrorRecords: the engine's error id, a matching category, the path as target.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord From(BackupException ex, object? target) =>
        new(ex, ex.ErrorId, Category(ex.Kind), ex.Path ?? target);

    public static ErrorRecord From(ItemProblem problem) =>
        new(new BackupException(problem.ErrorId, problem.Kind, problem.ToString(), problem.Path), problem.ErrorId, Category(problem.Kind), problem.Path);

    public static ErrorRecord From(Exception ex, object? target) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, target),
        UnauthorizedAccessException => new ErrorRecord(ex, "AccessDenied", ErrorCategory.PermissionDenied, target),
        InvalidDataException => new ErrorRecord(ex, "InvalidData", ErrorCategory.InvalidData, target),
        _ => new ErrorRecord(ex, "IOError", ErrorCategory.WriteError, target),
    };

    public static ErrorRecord PathNotFound(string path) =>
        new(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, path);

    public static ErrorRecord NotFileSystem(string path) =>
        new(new ArgumentException($"'{path}' is not a file-system path."), "NotFileSystemPath", ErrorCategory.InvalidArgument, path);

    private static ErrorCategory Category(ErrorKind kind) =>
        Enum.TryParse<ErrorCategory>(kind.ToString(), out var category) ? category : ErrorCategory.NotSpecified;
}
