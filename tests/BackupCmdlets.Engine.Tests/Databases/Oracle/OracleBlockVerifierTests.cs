using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>The DBVERIFY-like checks on single blocks laid out by the simulator's independent formatter.</summary>
public sealed class OracleBlockVerifierTests
{
    private const int Size = 8192;
    private const long OldScn = 0x1_0000_0010L;
    private const long NewScn = 0x1_0000_2345L;
    private static readonly Random Random = new(1);

    [Fact]
    public void A_block_written_in_full_is_valid_and_an_empty_one_or_block_0_is_not_checked()
    {
        var verifier = new OracleBlockVerifier(Size, backupStartScn: null);
        Assert.Equal(BlockCheck.Valid, verifier.Check(Block(5, OldScn), 5, out _));
        Assert.Equal(BlockCheck.NotChecked, verifier.Check(new byte[Size], 9, out _));
        Assert.Equal(BlockCheck.NotChecked, verifier.Check(SimulatedBlocks.OsHeader(Size, 100), 0, out _));
    }

    [Fact]
    public void A_fractured_block_changed_after_the_backup_start_is_torn_in_a_hot_copy_and_corrupt_in_a_cold_one()
    {
        var fractured = Fractured(12);

        Assert.Equal(BlockCheck.Torn, new OracleBlockVerifier(Size, NewScn - 5).Check(fractured, 12, out string? hot));
        Assert.Contains("fractured", hot);
        Assert.Equal(BlockCheck.Corrupt, new OracleBlockVerifier(Size, NewScn + 5).Check(fractured, 12, out string? late));
        Assert.Contains("predates the backup start", late);
        Assert.Equal(BlockCheck.Corrupt, new OracleBlockVerifier(Size, null).Check(fractured, 12, out string? cold));
        Assert.Contains("tail", cold);
    }

    [Fact]
    public void A_changed_byte_with_a_matching_tail_fails_the_checksum()
    {
        var block = Block(3, OldScn);
        block[4000] ^= 0x40;

        Assert.Equal(BlockCheck.Corrupt, new OracleBlockVerifier(Size, OldScn + 100).Check(block, 3, out string? detail));
        Assert.Contains("checksum", detail);
    }

    [Fact]
    public void A_block_at_the_wrong_address_is_corrupt_even_in_a_hot_copy()
    {
        Assert.Equal(BlockCheck.Corrupt, new OracleBlockVerifier(Size, 1).Check(Block(8, NewScn), 9, out string? detail));
        Assert.Contains("block 8", detail);
    }

    [Fact]
    public void Every_single_byte_change_in_a_checksummed_block_is_caught()
    {
        var verifier = new OracleBlockVerifier(Size, null);
        var original = Block(4, OldScn);
        for (int offset = 0; offset < Size; offset += 97)
        {
            var block = (byte[])original.Clone();
            block[offset] ^= (byte)(1 + (offset % 255));
            Assert.NotEqual(BlockCheck.Valid, verifier.Check(block, 4, out _));
        }
    }

    private static byte[] Block(long number, long scn) => SimulatedBlocks.Format(Size, 3, number, SimulatedBlocks.DataType, scn, 1, Random);

    /// <summary>The new image's first half over the old image's second half: what a reader sees between the writer's two halves.</summary>
    private static byte[] Fractured(long number)
    {
        var old = Block(number, OldScn);
        var fresh = Block(number, NewScn);
        fresh.AsSpan(Size / 2).CopyTo(fresh.AsSpan(Size / 2));
        old.AsSpan(Size / 2).CopyTo(fresh.AsSpan(Size / 2));
        return fresh;
    }
}
