using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.PostgreSql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>The page verifier's verdicts on pages built from a real checksum (the checksum itself is checked against PostgreSQL-written pages in the corruption test).</summary>
public sealed class PageChecksumTests
{
    private static byte[] Page(ulong lsn, uint block)
    {
        var page = new byte[8192];
        new Random((int)block).NextBytes(page);
        BitConverter.TryWriteBytes(page.AsSpan(0, 4), (uint)(lsn >> 32));
        BitConverter.TryWriteBytes(page.AsSpan(4, 4), (uint)lsn);
        BitConverter.TryWriteBytes(page.AsSpan(14, 2), (ushort)4000);
        BitConverter.TryWriteBytes(page.AsSpan(8, 2), PageChecksum.Compute(page, block));
        return page;
    }

    [Fact]
    public void The_vectorised_checksums_equal_the_scalar_one()
    {
        var random = new Random(5);
        var page = new byte[8192];
        for (uint block = 0; block < 200; block++)
        {
            random.NextBytes(page);
            ushort scalar = PageChecksum.ComputeScalar(page, block);
            Assert.Equal(scalar, PageChecksum.ComputeVector256(page, block));
            Assert.Equal(scalar, PageChecksum.ComputeVector128(page, block));
        }
    }

    [Fact]
    public void A_valid_page_passes_and_the_same_page_at_another_block_number_fails()
    {
        var verifier = new PageVerifier(8192, new Lsn(0x5000000));
        var page = Page(0x1000, 7);
        Assert.Equal(BlockCheck.Valid, verifier.Check(page, 7, out _));
        Assert.Equal(BlockCheck.Corrupt, verifier.Check(page, 8, out string? detail));
        Assert.Contains("before the backup start", detail);
    }

    [Fact]
    public void A_damaged_page_is_torn_when_its_LSN_is_at_or_after_the_backup_start_and_corrupt_before()
    {
        var start = new Lsn(0x5000000);
        var verifier = new PageVerifier(8192, start);
        var late = Page(start.Value, 3);
        late[5000] ^= 0xFF;
        Assert.Equal(BlockCheck.Torn, verifier.Check(late, 3, out _));
        var early = Page(start.Value - 1, 3);
        early[5000] ^= 0xFF;
        Assert.Equal(BlockCheck.Corrupt, verifier.Check(early, 3, out _));
    }

    [Fact]
    public void An_all_zero_page_is_not_checked_but_a_new_page_with_garbage_is_corrupt()
    {
        var verifier = new PageVerifier(8192, new Lsn(0x5000000));
        Assert.Equal(BlockCheck.NotChecked, verifier.Check(new byte[8192], 0, out _));
        var garbage = new byte[8192];
        garbage[100] = 1;
        Assert.Equal(BlockCheck.Corrupt, verifier.Check(garbage, 0, out _));
    }

    [Fact]
    public void LSNs_and_WAL_segment_names_follow_PostgreSQL()
    {
        Assert.Equal("16/B374D848", Lsn.Parse("16/B374D848").ToString());
        Assert.Equal("000000010000000000000003", WalSegments.NameFor(1, Lsn.Parse("0/3000028"), 16 << 20));
        Assert.Equal("0000000200000001000000FF", WalSegments.NameFor(2, Lsn.Parse("1/FF000000"), 16 << 20));
        Assert.Equal(["000000010000000000000003", "000000010000000000000004"], WalSegments.Covering(1, Lsn.Parse("0/3000028"), Lsn.Parse("0/4000100"), 16 << 20));
        Assert.False(Lsn.TryParse("3000028", out _));
    }

    [Fact]
    public void The_archive_folder_is_read_from_common_archive_commands()
    {
        Assert.Equal("/srv/archive", PostgreSqlProvider.ArchiveFolderFrom("cp %p /srv/archive/%f"));
        Assert.Equal("/x", PostgreSqlProvider.ArchiveFolderFrom("test ! -f '/x/%f' && cp %p '/x/%f'"));
        Assert.Null(PostgreSqlProvider.ArchiveFolderFrom("/bin/true"));
    }
}
