namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Writes a file under a temporary name beside its target and gives it the final name only on
/// <see cref="Commit"/>, after flushing it to disk. Disposed without a commit, it deletes the
/// temporary: nothing half-written ever carries the final name.
/// </summary>
internal sealed class AtomicFileWriter : IDisposable
{
    private bool _done;

    private AtomicFileWriter(string finalPath, string temporaryPath, FileStream stream)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        Stream = stream;
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public FileStream Stream { get; }

    /// <summary>The open temporary file, for calls that work on handles (copy_file_range, positioned writes).</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle Handle => Stream.SafeFileHandle;

    /// <summary>
    /// Creates the temporary. <paramref name="privateUntilCommit"/> creates it readable by the owner
    /// only (for restored files whose final mode is set before the rename); otherwise it gets the
    /// usual mode of a new file (0666 less the umask). The name may hold any bytes (see
    /// <see cref="FileNameEncoding"/>); <paramref name="bufferSize"/> 0 writes unbuffered.
    /// </summary>
    public static AtomicFileWriter Create(string finalPath, int bufferSize = 1 << 16, long preallocate = 0, bool privateUntilCommit = false)
    {
        string temporary = TemporaryName.For(finalPath);
        var handle = UnixFileSystem.CreateNewFile(temporary, privateUntilCommit ? 0x180 /* rw------- */ : 0x1B6 /* rw-rw-rw- less the umask */);
        try
        {
            UnixFileSystem.Preallocate(handle, preallocate);
            return new AtomicFileWriter(finalPath, temporary, new FileStream(handle, FileAccess.ReadWrite, bufferSize));
        }
        catch
        {
            handle.Dispose();
            UnixFileSystem.DeleteFile(temporary);
            throw;
        }
    }

    /// <summary>
    /// Flushes the data to disk, closes the file, lets <paramref name="beforeRename"/> set metadata on
    /// the temporary, then renames it over the final name.
    /// </summary>
    public void Commit(bool overwrite, bool durable = true, Action<string>? beforeRename = null)
    {
        Stream.Flush(flushToDisk: durable);
        Stream.Dispose();
        beforeRename?.Invoke(TemporaryPath);
        UnixFileSystem.Rename(TemporaryPath, FinalPath, overwrite);
        _done = true;
        if (durable)
        {
            UnixFileSystem.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(FinalPath))!);
        }
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Stream.Dispose();
        try
        {
            UnixFileSystem.DeleteFile(TemporaryPath);
        }
        catch (IOException)
        {
            // Best effort: the name marks it as removable.
        }
    }
}
