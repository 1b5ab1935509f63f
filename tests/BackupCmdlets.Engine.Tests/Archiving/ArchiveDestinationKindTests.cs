using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Only a regular file is ever replaced by a new archive: a FIFO, a device, or a symlink (to one of
/// them or to anything else) where the archive or its .sha256 should go is refused, with or without -Force,
/// and stays what it was.
/// </summary>
public sealed class ArchiveDestinationKindTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, bool, bool> Destinations() => new()
    {
        { "fifo", true, false },
        { "fifo", false, false },
        { "device", true, false },
        { "symlink-to-fifo", true, false },
        { "symlink-to-device", true, false },
        { "symlink-to-file", true, false },
        { "fifo", true, true },
    };

    [Theory]
    [MemberData(nameof(Destinations))]
    public async Task A_destination_that_is_not_a_regular_file_is_refused_and_left_as_it_was(string kind, bool force, bool atChecksum)
    {
        Assert.True(UnixFileSystem.IsRoot, "device nodes are made by root (CI runs as root)");
        string source = SampleTree.Create(_temp.Combine("tree"));
        string archive = _temp.Combine("out.tar");
        string occupied = atChecksum ? archive + ".sha256" : archive;
        string fifo = _temp.Combine("a-fifo");
        string device = _temp.Combine("a-null-device");
        string file = _temp.WriteFile("a-file", "someone's data");
        UnixFileSystem.CreateSpecialFile(fifo, FileKind.Fifo, 0x1B6, 0, 0);
        UnixFileSystem.CreateSpecialFile(device, FileKind.CharacterDevice, 0x1B6, 1, 3);
        switch (kind)
        {
            case "fifo":
                File.Move(fifo, occupied);
                break;
            case "device":
                File.Move(device, occupied);
                break;
            default:
                UnixFileSystem.CreateSymbolicLink(kind switch { "symlink-to-fifo" => fifo, "symlink-to-device" => device, _ => file }, occupied);
                break;
        }

        var before = UnixFileSystem.Lstat(occupied);
        var request = new CreateArchiveRequest([source], archive) { Force = force, Checksum = atChecksum };

        var error = await Assert.ThrowsAsync<BackupException>(() => ArchiveWriter.CreateAsync(request, null, CancellationToken.None));

        Assert.Equal(Errors.DestinationNotRegularFile.Id, error.ErrorId);
        Assert.Contains(occupied, error.Message);
        var after = UnixFileSystem.Lstat(occupied);
        Assert.Equal((before.Kind, before.Inode), (after.Kind, after.Inode));
        Assert.Equal("someone's data", File.ReadAllText(file));
        Assert.Empty(Archives.Temporaries(_temp.Path));
    }
}
