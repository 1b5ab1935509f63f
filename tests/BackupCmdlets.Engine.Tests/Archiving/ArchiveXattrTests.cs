using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// -Xattrs and -Acls store and restore extended attributes and POSIX ACLs as the SCHILY.* pax records GNU
/// tar --xattrs --acls writes and reads: both directions, judged by getfattr.
/// </summary>
public sealed class ArchiveXattrTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    public async Task What_we_store_GNU_tar_restores(ArchiveCompression compression)
    {
        string source = _temp.CreateDirectory("src");
        XattrTree.Create(source);
        var request = new CreateArchiveRequest([Path.Combine(source, "tree")], _temp.Combine("x" + Archives.Suffix(compression))) { Compression = compression, Xattrs = true, Acls = true };

        var result = await ArchiveWriter.CreateAsync(request, null, CancellationToken.None);

        Assert.True(result.Complete, string.Join("; ", result.Problems));
        string gnu = _temp.CreateDirectory("gnu");
        ExternalTool.Run("tar", "--xattrs", "--xattrs-include=*", "--acls", "-xpf", result.Path, "-C", gnu).EnsureSuccess("GNU tar --xattrs --acls -x");
        XattrTree.AssertSame(source, gnu);
        Archives.Expand(result.Path, _temp.Combine("ours"));
        Assert.Equal("", XattrTree.Dump(_temp.Combine("ours", "tree", "notes.txt")));
    }

    [Fact]
    public async Task What_GNU_tar_stores_we_restore()
    {
        string source = _temp.CreateDirectory("src");
        XattrTree.Create(source);
        string archive = _temp.Combine("gnu.tar");
        ExternalTool.Run("tar", "--xattrs", "--acls", "--format=posix", "-cf", archive, "-C", source, "tree").EnsureSuccess("GNU tar --xattrs --acls -c");

        var result = await ArchiveExtractor.ExpandAsync(new ExpandArchiveRequest(archive, _temp.Combine("ours")) { Xattrs = true, Acls = true }, null, CancellationToken.None);

        Assert.True(result.Complete, string.Join("; ", result.Problems));
        XattrTree.AssertSame(source, _temp.Combine("ours"));
    }

    [Fact]
    public async Task What_we_store_we_restore_and_nothing_without_the_switches()
    {
        string source = _temp.CreateDirectory("src");
        XattrTree.Create(source);
        var plain = await ArchiveWriter.CreateAsync(new CreateArchiveRequest([Path.Combine(source, "tree")], _temp.Combine("plain.tar")), null, CancellationToken.None);
        var full = await ArchiveWriter.CreateAsync(new CreateArchiveRequest([Path.Combine(source, "tree")], _temp.Combine("full.tar")) { Xattrs = true, Acls = true }, null, CancellationToken.None);

        var restored = await ArchiveExtractor.ExpandAsync(new ExpandArchiveRequest(full.Path, _temp.Combine("ours")) { Xattrs = true, Acls = true }, null, CancellationToken.None);

        Assert.True(restored.Complete, string.Join("; ", restored.Problems));
        XattrTree.AssertSame(source, _temp.Combine("ours"));
        Assert.DoesNotContain("SCHILY", File.ReadAllText(plain.Path));
        Assert.Contains("SCHILY.xattr.user.comment", File.ReadAllText(full.Path));
        var listing = ExternalTool.Run("tar", "--xattrs", "--acls", "-tvvf", full.Path).EnsureSuccess("GNU tar -tvv").StandardOutput;
        Assert.Contains("a: user::rw-,user:nobody:r--,group::r--,group:daemon:rw-,mask::rw-,other::r--", listing);
    }
}
