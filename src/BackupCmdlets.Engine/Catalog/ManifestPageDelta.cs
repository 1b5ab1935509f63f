namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// A relation file of a differential or incremental set that is stored as the pages changed since the
/// parent: <paramref name="Path"/> is where the whole file goes (<c>data/base/5/16384</c>),
/// <paramref name="Size"/> its size when read, <paramref name="StoredPath"/> the page file in this set
/// (listed in the manifest's files, so hashed like them), or null when no page changed;
/// <paramref name="Digest"/> the file's page digest as the copy read it (Databases' PageDigest).
/// </summary>
internal sealed record ManifestPageDelta(string Path, long Size, int Mode, string? StoredPath, long Pages, string? Digest = null)
{
    /// <summary>Where the page file of the relation file <paramref name="path"/> lies in a set: beside the data folders, never in them, so a restore of the folders cannot take it for a file.</summary>
    public static string StoredPathFor(string path) => "pages/" + path;
}
