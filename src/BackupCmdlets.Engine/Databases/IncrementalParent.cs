using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// The set a differential or incremental backup builds on, as its copy uses it: a relation file the
/// parent's chain holds (<see cref="Files"/>) is stored as the pages <see cref="ChangeTest"/> says changed.
/// </summary>
internal sealed record IncrementalParent(string SetId, BackupType Type, string ReferencePosition, IReadOnlySet<string> Files, IPageChangeTest ChangeTest)
{
    /// <summary>Every database file the set <paramref name="parent"/> restores to: its whole files and its page deltas, never its redo or page files.</summary>
    public static IReadOnlySet<string> FilesOf(BackupSetManifest parent) =>
        parent.Files.Select(f => f.Path)
            .Where(p => p.StartsWith("data/", StringComparison.Ordinal) || p.StartsWith("tablespaces/", StringComparison.Ordinal))
            .Concat(parent.PageDeltas.Select(d => d.Path))
            .ToHashSet(StringComparer.Ordinal);
}
