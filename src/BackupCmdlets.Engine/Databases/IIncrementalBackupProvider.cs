using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>A hot backup whose copy can store only the pages changed since a parent set (PostgreSQL).</summary>
internal interface IIncrementalBackupProvider : IHotBackupProvider
{
    /// <summary>
    /// Once backup mode has begun: the test of changed pages against <paramref name="parent"/>, or null
    /// with the <paramref name="reason"/> a full copy is needed (the database has left the parent's
    /// history, so a page's age no longer tells whether the parent holds it).
    /// </summary>
    IPageChangeTest? ChangeTestSince(ScopeStart start, BackupSetManifest parent, out string? reason);
}
