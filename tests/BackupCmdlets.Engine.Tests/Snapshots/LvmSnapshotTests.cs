using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Snapshots;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Snapshots;

/// <summary>-Snapshot on an ext4 file system in an LVM logical volume (a loop device as the physical volume).</summary>
public sealed class LvmSnapshotTests
{
    [DeviceMapperFact]
    public async Task An_archive_of_a_logical_volume_is_read_from_its_snapshot_which_is_removed_afterwards()
    {
        using var folder = new TempDirectory("bkc-lvm-");
        string image = folder.Combine("pv.img");
        using (var file = File.Create(image))
        {
            file.SetLength(256L << 20);
        }

        string group = $"bkctest{Environment.ProcessId}";
        string loop = ExternalTool.Run("losetup", "--find", "--show", image).EnsureSuccess("losetup").StandardOutput.Trim();
        string mountPoint = Directory.CreateDirectory(folder.Combine("mnt")).FullName;
        try
        {
            ExternalTool.Run("pvcreate", "-q", loop).EnsureSuccess("pvcreate");
            ExternalTool.Run("vgcreate", "-q", group, loop).EnsureSuccess("vgcreate");
            ExternalTool.Run("lvcreate", "-q", "--size", "128M", "--name", "data", group).EnsureSuccess("lvcreate");
            ExternalTool.Run("mkfs.ext4", "-q", $"/dev/{group}/data").EnsureSuccess("mkfs.ext4");
            ExternalTool.Run("mount", $"/dev/{group}/data", mountPoint).EnsureSuccess("mount");
            Directory.CreateDirectory(Path.Combine(mountPoint, "docs"));
            File.WriteAllText(Path.Combine(mountPoint, "docs", "one.txt"), "one");
            string archive = folder.Combine("lvm.tar");

            var result = await BackupEngine.NewTarArchiveAsync(
                new CreateArchiveRequest([Path.Combine(mountPoint, "docs")], archive) { Snapshot = true, RelativeBasePath = mountPoint }, null, CancellationToken.None);

            var snapshot = Assert.Single(result.Snapshots);
            Assert.Equal(SnapshotProvider.Lvm, snapshot.Provider);
            Assert.Equal($"{group}/data", snapshot.Volume);
            Assert.Equal("one", ExternalTool.Run("tar", "-xOf", archive, "docs/one.txt").EnsureSuccess("tar -xO").StandardOutput);
            Assert.Equal("data", ExternalTool.Run("lvs", "--noheadings", "-o", "lv_name", group).EnsureSuccess("lvs").StandardOutput.Trim());
        }
        finally
        {
            ExternalTool.Run("umount", mountPoint);
            ExternalTool.Run("vgremove", "-f", group);
            ExternalTool.Run("pvremove", "-f", loop);
            ExternalTool.Run("losetup", "-d", loop);
        }
    }
}
