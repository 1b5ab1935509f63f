using System.Globalization;
using BackupCmdlets.Engine.Databases;

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
        manifest.StartTime.ToUniversalTime(),
        manifest.StopTime.ToUniversalTime(),
        manifest.Files.Count,
        manifest.Files.Sum(f => f.Size),
        manifest.Database.Identity,
        manifest.Database.ServerVersion,
        manifest.StartPosition,
        manifest.StopPosition,
        manifest.BlockChecks.Checked,
        manifest.BlockChecks.Torn,
        manifest.BlockChecks.Corrupt)
    {
        Type = manifest.Type ?? BackupType.Full,
        ParentSetId = manifest.ParentSetId,
        Encryption = manifest.Encryption?.Scheme,
        ResumedFrom = manifest.ResumedFrom,
        Format = manifest.Export is not null ? null : manifest.Archives.Count > 0 ? BackupFormat.Tar : BackupFormat.Plain,
        Compression = manifest.Archives.FirstOrDefault()?.Compression ?? manifest.Files.FirstOrDefault(f => f.Compression is not null)?.Compression ?? Archiving.ArchiveCompression.None,
    };

    /// <summary>A folder without a manifest (in progress, or left incomplete): what the folder and its name tell.</summary>
    public static BackupSet WithoutManifest(string path, BackupSetStatus status)
    {
        string name = Path.GetFileName(path);
        var parts = name.Split('-');
        DatabaseEngine? engine = parts.Length == 4 && Enum.TryParse<DatabaseEngine>(parts[1], ignoreCase: true, out var e) ? e : null;
        BackupKind? kind = parts.Length == 4 && Enum.TryParse<BackupKind>(parts[2], ignoreCase: true, out var k) ? k : null;
        var started = DateTimeOffset.TryParseExact(parts[0], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : new DateTimeOffset(Directory.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        return new BackupSet(path, name, engine, kind, status, started, null, 0, 0, null, null, null, null, 0, 0, 0);
    }

    /// <summary>A set whose manifest cannot be read: listed with the reason, never counted or removed by retention.</summary>
    public static BackupSet Unreadable(string path, ItemProblem reason) =>
        WithoutManifest(path, BackupSetStatus.Unreadable) with { Problems = [reason] };
}
