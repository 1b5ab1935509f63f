namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A destination that fills up: a tmpfs of a few hundred KiB mounted on a folder (root only, as in CI),
/// so a copy into it fails with a real ENOSPC. Unmounted on Dispose.
/// </summary>
internal sealed class TmpfsVolume : IDisposable
{
    public TmpfsVolume(string path, int kilobytes)
    {
        Path = Directory.CreateDirectory(path).FullName;
        ExternalTool.Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", Path).EnsureSuccess("mounting a small tmpfs (the tests run as root)");
    }

    public string Path { get; }

    public void Dispose() => ExternalTool.Run("umount", Path).EnsureSuccess("unmounting the small tmpfs");
}
