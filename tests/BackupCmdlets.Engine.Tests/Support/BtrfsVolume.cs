namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// A small btrfs file system in an image file, mounted through a loop device (root only, as in CI),
/// for -Snapshot: subvolumes are made with the btrfs tool, as an admin makes them. Unmounted on Dispose.
/// </summary>
public sealed class BtrfsVolume : IDisposable
{
    private readonly TempDirectory _folder = new("bkc-btrfs-");

    public BtrfsVolume()
    {
        Assert.True(IO.UnixFileSystem.IsRoot, "this test mounts a btrfs image on a loop device, which needs root (CI runs as root)");
        string image = _folder.Combine("volume.img");
        using (var file = File.Create(image))
        {
            file.SetLength(256L << 20);
        }

        ExternalTool.Run("mkfs.btrfs", "-q", image).EnsureSuccess("mkfs.btrfs");
        MountPoint = Directory.CreateDirectory(_folder.Combine("mnt")).FullName;
        ExternalTool.Run("mount", "-o", "loop", image, MountPoint).EnsureSuccess("mounting a btrfs image on a loop device");
    }

    public string MountPoint { get; }

    /// <summary>Creates a subvolume at a path relative to the mount point and answers its full path.</summary>
    public string CreateSubvolume(string relativePath)
    {
        string path = Path.Combine(MountPoint, relativePath);
        ExternalTool.Run("btrfs", "subvolume", "create", path).EnsureSuccess("btrfs subvolume create");
        return path;
    }

    /// <summary>Every subvolume's path from the top of the file system, as btrfs lists them.</summary>
    public IReadOnlyList<string> Subvolumes() =>
        ExternalTool.Run("btrfs", "subvolume", "list", MountPoint).EnsureSuccess("btrfs subvolume list").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[(line.IndexOf(" path ", StringComparison.Ordinal) + " path ".Length)..])
            .ToList();

    public void Dispose()
    {
        ExternalTool.Run("umount", MountPoint).EnsureSuccess("unmounting the btrfs volume");
        _folder.Dispose();
    }
}
