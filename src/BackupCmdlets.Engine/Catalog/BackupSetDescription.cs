namespace BackupCmdlets.Engine.Catalog;

/// <summary>The <see cref="BackupSet"/> that describes a set folder.</summary>
internal static class BackupSetDescription
{
    public static BackupSet FromManifest(string path, BackupSetManifest manifest) => new BackupSet(
        path,
        manifest.SetId,
        manifest.Engine,
        manifest.Kind,
        manifest.Status,
        manifest.StartTime,
        manifest.StopTime,
        manifest.Files.Count,
        manifest.Files.Sum(f => f.Size),
        manifest.Database.Identity,
        manifest.Database.ServerVersion,
        manifest.StartPosition,
        manifest.StopPosition,
        manifest.BlockChecks.Checked,
        manifest.BlockChecks.Torn,
        manifest.BlockChecks.Corrupt);

    /// <summary>A folder without a manifest: what can be told from the folder alone.</summary>
    public static BackupSet Incomplete(string path) => new BackupSet(
        path,
        System.IO.Path.GetFileName(path),
        null,
        null,
        BackupSetStatus.Incomplete,
        new DateTimeOffset(Directory.GetCreationTimeUtc(path) is var created && created.Year > 1970 ? created : Directory.GetLastWriteTimeUtc(path), TimeSpan.Zero),
        null,
        0,
        0,
        null,
        null,
        null,
        null,
        0,
        0,
        0);
}
