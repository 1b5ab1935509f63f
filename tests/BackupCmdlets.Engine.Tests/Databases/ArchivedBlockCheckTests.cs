using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The block checks of a tar set, made on the reads the archive engine does, however those reads cut the blocks.</summary>
public sealed class ArchivedBlockCheckTests
{
    private const int PageSize = 8192;
    private const int Pages = 40;
    private const int CorruptPage = 17;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Reads_cut_anywhere_give_the_verdicts_of_whole_blocks(int seed)
    {
        using var temp = new TempDirectory("bkc-archived-check-");
        string path = temp.Combine("16384");
        byte[] content = RelationFile();
        File.WriteAllBytes(path, content);
        var file = new SourceFile(path, "data/base/5/16384") { VerifyBlocks = true, FirstBlockNumber = Pages };
        var copier = new SetFileCopier(temp.CreateDirectory("set"), 1, null, "test", null);
        var check = new ArchivedBlockCheck(copier, file, new PageVerifier(PageSize, new Lsn(0x5000000)));

        var random = new Random(seed);
        using var handle = File.OpenHandle(path);
        for (int at = 0; at < content.Length;)
        {
            // Cuts from one byte to a few blocks, always one inside the corrupt page.
            int length = at < CorruptPage * PageSize && at + 3 * PageSize > CorruptPage * PageSize
                ? CorruptPage * PageSize + random.Next(1, PageSize) - at
                : random.Next(1, 3 * PageSize);
            length = Math.Min(length, content.Length - at);
            check.Inspect(handle, content.AsSpan(at, length), at);
            at += length;
        }

        var summary = copier.Summary(PageSize);
        Assert.Equal(Pages - 1, summary.Checked);
        Assert.Equal(1, summary.Corrupt);
        var finding = Assert.Single(summary.Findings);
        Assert.Equal(CorruptPage, finding.Block);
        Assert.Equal(file.SetPath, finding.Path);
    }

    [Fact]
    public void Reads_out_of_order_are_refused()
    {
        using var temp = new TempDirectory("bkc-archived-order-");
        string path = temp.WriteFile("16384", "");
        var copier = new SetFileCopier(temp.CreateDirectory("set"), 1, null, "test", null);
        var check = new ArchivedBlockCheck(copier, new SourceFile(path, "data/base/5/16384") { VerifyBlocks = true }, new PageVerifier(PageSize, new Lsn(0x5000000)));
        using var handle = File.OpenHandle(path);
        check.Inspect(handle, new byte[100], 0);
        Assert.Throws<InvalidOperationException>(() => check.Inspect(handle, new byte[100], 200));
    }

    /// <summary>Pages of a relation's second segment with valid checksums, the first all zeros (new, not checked), one with a byte changed.</summary>
    private static byte[] RelationFile()
    {
        var content = new byte[Pages * PageSize];
        var random = new Random(11);
        for (int page = 1; page < Pages; page++)
        {
            var span = content.AsSpan(page * PageSize, PageSize);
            random.NextBytes(span);
            BitConverter.TryWriteBytes(span[..4], 0u);
            BitConverter.TryWriteBytes(span.Slice(4, 4), 0x1000u);
            BitConverter.TryWriteBytes(span.Slice(14, 2), (ushort)4000);
            BitConverter.TryWriteBytes(span.Slice(8, 2), PageChecksum.Compute(span, (uint)(Pages + page)));
        }

        content[CorruptPage * PageSize + 5000] ^= 0xFF;
        return content;
    }
}
