using BackupCmdlets.Engine.Tests.Support;
using static BackupCmdlets.Engine.Tests.Syncing.SyncTestSupport;

namespace BackupCmdlets.Engine.Tests.Syncing;

/// <summary>-Xattrs and -Acls keep extended attributes and POSIX ACLs as rsync -X -A does, judged by getfattr and by rsync -ani -X -A.</summary>
public sealed class DeltaSyncXattrTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-sync-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Attributes_and_acls_are_mirrored_changed_and_removed_as_with_rsync_X_A()
    {
        string source = _temp.CreateDirectory("src");
        string destination = _temp.Combine("dst");
        XattrTree.Create(source);

        var first = Sync(source, destination, r => r with { Xattrs = true, Acls = true });

        Assert.True(first.Complete, string.Join("; ", first.Problems));
        XattrTree.AssertSame(source, destination);
        AssertMirror(source, destination, false, false, "-X", "-A");

        string notes = Path.Combine(source, "tree", "notes.txt");
        ExternalTool.Run("setfattr", "-x", "user.binary", notes).EnsureSuccess("setfattr -x");
        ExternalTool.Run("setfattr", "-n", "user.comment", "-v", "changed", notes).EnsureSuccess("setfattr");
        ExternalTool.Run("setfacl", "-x", "g:daemon", notes).EnsureSuccess("setfacl -x");
        ExternalTool.Run("setfacl", "-k", Path.Combine(source, "tree", "shared")).EnsureSuccess("setfacl -k");
        ExternalTool.Run("setfattr", "-n", "user.new", "-v", "1", Path.Combine(source, "tree", "plain.txt")).EnsureSuccess("setfattr");

        var second = Sync(source, destination, r => r with { Xattrs = true, Acls = true });

        Assert.True(second.Complete, string.Join("; ", second.Problems));
        Assert.Equal(0, second.BytesCopied);
        XattrTree.AssertSame(source, destination);
        AssertMirror(source, destination, false, false, "-X", "-A");
        var third = Sync(source, destination, r => r with { Xattrs = true, Acls = true });
        Assert.Equal(0, third.Updated + third.Created);
    }
}
