using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Entries over 8 GiB (beyond ustar's 11 octal digits), checked without writing 8 GiB: the archive is a sparse file.</summary>
public sealed class LargeEntryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_entry_over_eight_gibibytes_is_listed_by_GNU_tar_and_by_us()
    {
        const long size = (9L << 30) + 12345;
        var header = new TarEntryHeader("huge.img", TarEntryType.File, 0x1A4, 0, 0, "root", "root", size, new UnixTime(1_700_000_000, 0), "", 0, 0);
        byte[] blocks = TarHeaderEncoder.Encode(header);
        string archive = _temp.Combine("huge.tar");
        using (var file = new FileStream(archive, FileMode.CreateNew))
        {
            file.Write(blocks);
            file.SetLength(blocks.Length + TarFormat.PaddedSize(size) + TarFormat.RecordSize);
        }

        var gnu = ExternalTool.Run("tar", "-tvf", archive).EnsureSuccess("tar -tv").StandardOutput;
        var ours = Archives.List(archive).Items;

        Assert.Contains($" {size} ", gnu);
        Assert.Contains("huge.img", gnu);
        Assert.Equal(size, Assert.Single(ours).Size);
        Assert.Equal(3 * TarFormat.BlockSize, blocks.Length);
    }

    [Theory]
    [InlineData(2_097_151L, false)]
    [InlineData(2_097_152L, true)]
    [InlineData(4_000_000_000L, true)]
    public void Large_owner_ids_get_a_pax_record_only_when_ustar_cannot_hold_them(long id, bool needsPax)
    {
        var header = new TarEntryHeader("f", TarEntryType.File, 0x1A4, id, id, "", "", 0, new UnixTime(1_700_000_000, 0), "", 0, 0);

        byte[] blocks = TarHeaderEncoder.Encode(header);
        string archive = _temp.Combine("ids.tar");
        File.WriteAllBytes(archive, [.. blocks, .. new byte[TarFormat.RecordSize]]);

        Assert.Equal(needsPax ? 3 * TarFormat.BlockSize : TarFormat.BlockSize, blocks.Length);
        Assert.Contains($" {id}/{id} ", ExternalTool.Run("tar", "--numeric-owner", "-tvf", archive).EnsureSuccess("tar -tv").StandardOutput);
        Assert.Equal(id, Archives.List(archive).Items[0].UserId);
    }
}
