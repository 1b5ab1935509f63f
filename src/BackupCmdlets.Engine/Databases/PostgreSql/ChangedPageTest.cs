namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// A page changed since the parent set began when its LSN is at or after the parent's start: every
/// write after that checkpoint is WAL-logged with a later LSN (hint bits too, as a full-page image,
/// when data checksums or wal_log_hints are on). A new page is always taken: a relation truncated and
/// extended again since the parent holds zeros where the parent's copy holds old tuples, and a zero
/// page has no LSN to tell that by.
/// </summary>
internal sealed class ChangedPageTest(Lsn reference) : IPageChangeTest
{
    public bool HasChanged(ReadOnlySpan<byte> page) => PageChecksum.IsNew(page) || PageChecksum.PageLsn(page) >= reference;
}
