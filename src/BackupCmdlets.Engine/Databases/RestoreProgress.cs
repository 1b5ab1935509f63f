namespace BackupCmdlets.Engine.Databases;

/// <summary>Progress of a restore by the bytes of the set's files put back, out of all of them.</summary>
internal sealed class RestoreProgress(IProgress<OperationProgress>? target, long filesTotal, long bytesTotal, string activity = "Restore-BackupSet")
{
    private readonly ProgressThrottle _throttle = new(target);
    private long _files;
    private long _bytes;

    public void Done(string path, long files, long bytes)
    {
        long doneFiles = Interlocked.Add(ref _files, files);
        long doneBytes = Interlocked.Add(ref _bytes, bytes);
        _throttle.Report(() => new OperationProgress(activity, "Restoring files", path, doneFiles, filesTotal, doneBytes, bytesTotal));
    }

    public void Status(string status) => _throttle.Report(() => new OperationProgress(activity, status, null, _files, filesTotal, _bytes, bytesTotal), force: true);
}
