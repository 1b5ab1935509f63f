using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// An entry that cannot be written (under a dangling or looping symlink, under a file, a name too long)
/// is one problem with its own id, entry name and offset; the entries after it are extracted, as GNU tar
/// extracts them from the same archive.
/// </summary>
public sealed class ExtractionBadEntryTests : IDisposable
{
    private static readonly string OverPathMax = string.Join('/', Enumerable.Repeat(new string('c', 100), 42)) + "/long.txt";
    private static readonly string OverNameMax = new('n', 300);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("dangling/x.txt", nameof(Errors.DanglingSymlink))]
    [InlineData("loop/y.txt", nameof(Errors.SymlinkLoop))]
    [InlineData("ping/z.txt", nameof(Errors.SymlinkLoop))]
    [InlineData("plain/w.txt", nameof(Errors.ParentNotFolder))]
    [InlineData("over-path-max", nameof(Errors.EntryNameTooLong))]
    [InlineData("over-name-max", nameof(Errors.EntryNameTooLong))]
    public void A_bad_entry_is_one_problem_and_the_rest_is_extracted_as_GNU_tar_does(string bad, string errorId)
    {
        string name = bad switch { "over-path-max" => OverPathMax, "over-name-max" => OverNameMax, _ => bad };
        string archive = new CraftedTar()
            .File("before.txt", "before")
            .Symlink("dangling", "nowhere")
            .Symlink("loop", "loop")
            .Symlink("ping", "pong")
            .Symlink("pong", "ping")
            .File("plain", "a file, not a folder")
            .File(name, "bad")
            .Directory("later")
            .File("later/after.txt", "after")
            .Save(_temp.Combine("bad.tar"));
        long offset = Archives.List(archive).Items.Single(i => i.Name == name).Offset;
        string gnu = _temp.CreateDirectory("gnu");
        var gnuRun = ExternalTool.Run("tar", "-xf", archive, "-C", gnu);

        var result = Archives.Expand(archive, _temp.Combine("ours"));

        Assert.Equal(2, gnuRun.ExitCode);
        Assert.False(result.Complete);
        var problem = Assert.Single(result.Problems);
        Assert.True(errorId == problem.ErrorId, problem.ToString());
        Assert.Equal(name, problem.Path);
        Assert.Equal(offset, problem.Offset);
        Assert.Contains(name.Length > 120 ? name[..100] : name, problem.Message);
        Assert.Equal("after", File.ReadAllText(_temp.Combine("ours", "later", "after.txt")));
        UnixFileSystem.SetModifiedTime(_temp.Combine("ours"), UnixFileSystem.Lstat(gnu).ModifiedTime); // neither tool sets the destination's own time
        TreeAssert.Identical(gnu, _temp.Combine("ours"));
    }

    [Fact]
    public void Every_bad_entry_of_one_archive_is_reported_in_archive_order()
    {
        string archive = new CraftedTar()
            .Symlink("dangling", "nowhere")
            .Symlink("loop", "loop")
            .File("plain", "p")
            .File("dangling/a.txt", "a")
            .File("loop/b.txt", "b")
            .File("plain/c.txt", "c")
            .File(OverPathMax, "d")
            .HardLink("e.txt", "dangling/a.txt")
            .File("after.txt", "after")
            .Save(_temp.Combine("bad.tar"));

        var result = Archives.Expand(archive, _temp.Combine("ours"));

        Assert.Equal(
            [Errors.DanglingSymlink.Id, Errors.SymlinkLoop.Id, Errors.ParentNotFolder.Id, Errors.EntryNameTooLong.Id, Errors.DanglingSymlink.Id],
            result.Problems.Select(p => p.ErrorId));
        Assert.Equal(["dangling/a.txt", "loop/b.txt", "plain/c.txt", OverPathMax, "e.txt"], result.Problems.Select(p => p.Path));
        Assert.Equal("after", File.ReadAllText(_temp.Combine("ours", "after.txt")));
        Assert.False(File.Exists(_temp.Combine("ours", "nowhere")) || Directory.Exists(_temp.Combine("ours", "nowhere")));
    }
}
