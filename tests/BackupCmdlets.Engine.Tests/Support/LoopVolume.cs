namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A small ext4 file system in an image file, mounted on a folder through a loop device (root only,
/// as in CI): a real block-device file system, unlike tmpfs, so direct I/O and a real ENOSPC happen
/// there. Unmounted on Dispose.
/// </summary>
internal sealed class LoopVolume : IDisposable
{
    private readonly string _image;

    public LoopVolume(string image, string mountPoint, int megabytes)
    {
        _image = image;
        using (var file = File.Create(image))
        {
            file.SetLength((long)megabytes << 20);
        }

        ExternalTool.Run("mkfs.ext4", "-q", "-F", image).EnsureSuccess("mkfs.ext4");
        Path = Directory.CreateDirectory(mountPoint).FullName;
        ExternalTool.Run("mount", "-o", "loop", image, Path).EnsureSuccess("mounting an ext4 image on a loop device (the tests run as root)");
    }

    public string Path { get; }

    /// <summary>Everything on the volume but ext4's own lost+found.</summary>
    public string[] Entries() => Directory.GetFileSystemEntries(Path).Where(e => System.IO.Path.GetFileName(e) != "lost+found").ToArray();

    public void Dispose()
    {
        ExternalTool.Run("umount", Path).EnsureSuccess("unmounting the loop volume");
        File.Delete(_image);
    }
}
