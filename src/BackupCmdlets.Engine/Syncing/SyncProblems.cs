using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>Per-entry failures as <see cref="ItemProblem"/>s with stable ids: the run goes on, the result says it is incomplete.</summary>
internal static class SyncProblems
{
    private const int EAccess = 13;

    public static ItemProblem Read(string path, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException =>
            new ItemProblem(path, Errors.SyncSourceVanished, $"The source entry vanished during the sync: {ex.Message}"),
        UnauthorizedAccessException or IOException { HResult: EAccess } =>
            new ItemProblem(path, Errors.SyncSourceUnreadable, $"The source entry cannot be read: {ex.Message}"),
        _ => new ItemProblem(path, Errors.SyncSourceUnreadable, $"The source entry cannot be read: {ex.Message}"),
    };

    public static ItemProblem Write(string path, Exception ex) => ex switch
    {
        SourceReadException read => Read(read.SourcePath, read.InnerException ?? read),
        IOException io when UnixFileSystem.IsDiskFull(io) =>
            new ItemProblem(path, Errors.SyncDestinationFull, $"No space left on the destination file system; the previous version (if any) was kept: {ex.Message}"),
        BackupException backup => new ItemProblem(path, backup.Error, backup.Message, backup.Offset),
        _ => new ItemProblem(path, Errors.SyncWriteFailed, $"The destination entry could not be written: {ex.Message}"),
    };
}
