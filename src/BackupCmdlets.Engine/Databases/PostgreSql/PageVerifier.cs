using System.Globalization;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Checks PostgreSQL pages as they are copied. A page whose checksum fails but whose LSN is at or after
/// the backup start was being written during the copy (torn): WAL replay overwrites it with the full
/// page image logged after the start, so it is counted, not an error. Any other failure is corruption.
/// A new (all-zero header) page must be all zeros.
/// </summary>
internal sealed class PageVerifier(int blockSize, Lsn backupStart) : IBlockVerifier
{
    public int BlockSize { get; } = blockSize;

    public BlockCheck Check(ReadOnlySpan<byte> block, long blockNumber, out string? detail)
    {
        detail = null;
        if (PageChecksum.IsNew(block))
        {
            if (!block.ContainsAnyExcept((byte)0))
            {
                return BlockCheck.NotChecked;
            }

            if (PageChecksum.PageLsn(block) >= backupStart)
            {
                return BlockCheck.Torn;
            }

            detail = "the page header says the page is new, but the page is not all zeros";
            return BlockCheck.Corrupt;
        }

        ushort expected = PageChecksum.Compute(block, unchecked((uint)blockNumber));
        ushort stored = PageChecksum.Stored(block);
        if (expected == stored)
        {
            return BlockCheck.Valid;
        }

        var lsn = PageChecksum.PageLsn(block);
        if (lsn >= backupStart)
        {
            return BlockCheck.Torn;
        }

        detail = string.Create(CultureInfo.InvariantCulture, $"checksum {stored} stored, {expected} computed (page LSN {lsn}, before the backup start {backupStart})");
        return BlockCheck.Corrupt;
    }
}
