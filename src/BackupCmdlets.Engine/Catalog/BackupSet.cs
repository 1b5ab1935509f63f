using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A backup set in a repository: the pipeline object of Start-HotBackup, Start-ColdBackup and Get-BackupSet.</summary>
public sealed record BackupSet(
    string Path,
    string SetId,
    DatabaseEngine? Engine,
    BackupKind? Kind,
    BackupSetStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? StopTime,
    long FileCount,
    long Bytes,
    string? DatabaseIdentity,
    string? ServerVersion,
    string? StartPosition,
    string? StopPosition,
    long BlocksChecked,
    long TornBlocks,
    long CorruptBlocks)
{
    public TimeSpan? Duration => StopTime - StartTime;

    /// <summary>The set folder, so a set piped into -Path (Get-BackupSet | Test-BackupSet) binds as its path.</summary>
    public override string ToString() => Path;

    /// <summary>Corrupt blocks and other findings of the run that made the set (empty for listed sets).</summary>
    public IReadOnlyList<ItemProblem> Problems { get; init; } = [];

    public static BackupSet FromManifest(string path, BackupSetManifest manifest) => new(
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
    public static BackupSet Incomplete(string path) => new(
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
