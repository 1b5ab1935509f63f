namespace BackupCmdlets.Engine.Databases;

/// <summary>Tells a page that changed since a differential or incremental set's parent began from one that did not (PostgreSQL: by its LSN).</summary>
internal interface IPageChangeTest
{
    bool HasChanged(ReadOnlySpan<byte> page);
}
