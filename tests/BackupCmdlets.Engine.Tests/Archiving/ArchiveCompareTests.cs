using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Test-Archive -Compare reports each kind of difference tar -d reports, plus extra files.</summary>
public sealed class ArchiveCompareTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_kind_of_difference_is_reported_for_its_entry()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string archive = _temp.Combine("out.tar.gz");
        Archives.Create(source, archive, ArchiveCompression.GZip);
        Assert.True(Archives.Test(archive, compare: _temp.Combine("src")).IsValid);

        File.Delete(Path.Combine(source, "docs", "notes.md"));
        File.WriteAllText(Path.Combine(source, "new-file.txt"), "extra");
        var random = File.ReadAllBytes(Path.Combine(source, "data", "random.bin"));
        random[1000] ^= 1;
        var time = UnixFileSystem.Lstat(Path.Combine(source, "data", "random.bin")).ModifiedTime;
        File.WriteAllBytes(Path.Combine(source, "data", "random.bin"), random);
        UnixFileSystem.SetModifiedTime(Path.Combine(source, "data", "random.bin"), time);
        File.AppendAllText(Path.Combine(source, "bin", "tool.sh"), "# longer\n");
        UnixFileSystem.SetPermissions(Path.Combine(source, "private", "secret.txt"), 0x1A4);
        UnixFileSystem.SetModifiedTime(Path.Combine(source, "data", "empty.dat"), new UnixTime(1_000_000_000, 0));
        File.Delete(Path.Combine(source, "link-to-readme"));
        File.CreateSymbolicLink(Path.Combine(source, "link-to-readme"), "docs/notes.md");
        UnixFileSystem.SetOwner(Path.Combine(source, "readme.txt"), 4321, 4321);

        var result = Archives.Test(archive, compare: _temp.Combine("src"));

        Assert.False(result.IsValid);
        var found = result.Problems.Select(p => (p.ErrorId, p.Path)).ToHashSet();
        Assert.Contains((Errors.DifferenceMissing.Id, "tree/docs/notes.md"), found);
        Assert.Contains((Errors.DifferenceExtra.Id, "tree/new-file.txt"), found);
        Assert.Contains((Errors.DifferenceContent.Id, "tree/data/random.bin"), found);
        Assert.Contains((Errors.DifferenceSize.Id, "tree/bin/tool.sh"), found);
        Assert.Contains((Errors.DifferenceMode.Id, "tree/private/secret.txt"), found);
        Assert.Contains((Errors.DifferenceModifiedTime.Id, "tree/data/empty.dat"), found);
        Assert.Contains((Errors.DifferenceLinkTarget.Id, "tree/link-to-readme"), found);
        Assert.Contains((Errors.DifferenceOwner.Id, "tree/readme.txt"), found);
        Assert.Contains(result.Problems, p => p.ErrorId == Errors.DifferenceContent.Id && p.Message.Contains("byte 1000", StringComparison.Ordinal));
    }
}
