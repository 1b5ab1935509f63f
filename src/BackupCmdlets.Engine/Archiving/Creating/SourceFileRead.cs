using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// One file opened for archiving, and the check that what was read of it is one version (GNU tar's
/// "file changed as we read it"): its size, modification time and change time by fstat when opened
/// must still be the same after the read, and the read must have found exactly that size. The header
/// is made from the opening fstat, so a file changed between the scan and the read is stored whole.
/// A write in progress when the file is opened is waited for (it stamped the times before this looked);
/// a write in the clock tick of the opening fstat would leave the times as they were, so a file changed
/// in the current tick is given the tick to pass before it is read, and one that keeps changing in
/// every tick is reported as changed.
/// </summary>
internal sealed class SourceFileRead : IDisposable
{
    private const int MaximumWaits = 3;

    private readonly bool _settled;

    private SourceFileRead(SafeFileHandle handle, FileMetadata before, bool settled)
    {
        Handle = handle;
        Before = before;
        _settled = settled;
    }

    public SafeFileHandle Handle { get; }

    /// <summary>The file's metadata by fstat when it was opened: the size and time its header gets.</summary>
    public FileMetadata Before { get; }

    /// <summary>Opens the entry's file (IOException when it cannot be) and takes its metadata once it is settled.</summary>
    public static SourceFileRead Open(SourceEntry entry)
    {
        var handle = entry.Open();
        try
        {
            for (int wait = 0; ; wait++)
            {
                var clock = UnixFileSystem.FileTimeClock();
                UnixFileSystem.WaitForWriteInProgress(handle);
                var before = UnixFileSystem.Stat(handle);
                if (before.Kind != FileKind.File)
                {
                    throw new IOException($"it is a {before.Kind} now, not a file");
                }

                bool settled = IsSettled(before.ChangeTime, clock);
                if (settled || wait == MaximumWaits)
                {
                    return new SourceFileRead(handle, before, settled);
                }

                Thread.Sleep(before.ChangeTime.Nanoseconds == 0 ? 1000 - (int)(clock.Nanoseconds / 1_000_000) : 5);
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// After the read of <paramref name="bytesRead"/> bytes (one more than the size when the file grew):
    /// null when they are one version of the file, else the problem to report.
    /// </summary>
    public ItemProblem? Check(string path, long bytesRead)
    {
        var after = UnixFileSystem.Stat(Handle);
        long size = Before.Size;
        if (bytesRead < size)
        {
            return Changed(path, $"it shrank by {size - bytesRead} bytes while it was read; the rest was padded with zeros");
        }

        if (bytesRead > size || after.Size > size)
        {
            return Changed(path, $"it grew while it was read; only its first {size} bytes were stored");
        }

        if (after.Size != size || after.ModifiedTime != Before.ModifiedTime || after.ChangeTime != Before.ChangeTime)
        {
            return Changed(path, "it was written while it was read; the stored copy may mix old and new contents");
        }

        return _settled ? null : Changed(path, "it was written in every moment it was looked at; the stored copy may mix old and new contents");
    }

    public void Dispose() => Handle.Dispose();

    /// <summary>
    /// True when no later write can leave the change time as it is: it lies before the clock read just
    /// before the fstat (for whole-second file systems, in an earlier second), or more than a second ahead
    /// of it (a time another machine's clock made).
    /// </summary>
    private static bool IsSettled(UnixTime changed, UnixTime clock)
    {
        var limit = changed.Nanoseconds == 0 ? new UnixTime(clock.Seconds, 0) : clock;
        return changed.CompareTo(limit) < 0 || changed.CompareTo(clock with { Seconds = clock.Seconds + 1 }) > 0;
    }

    private static ItemProblem Changed(string path, string what) =>
        new(path, Errors.SourceFileChanged, $"'{path}' changed as it was read: {what}.");
}
