using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// The tar format of a set: each root folder a provider lists (the data directory, each tablespace)
/// becomes one tar (optionally compressed) written by the archive engine, holding exactly the entries
/// the provider listed. In a hot backup a file that vanished or changed size while read is expected
/// (the WAL replays it), as pg_basebackup treats it; any other problem fails the copy.
/// </summary>
internal static class SetArchiver
{
    public static async Task<IReadOnlyList<(ManifestArchive Archive, ManifestFile File)>> ArchiveAsync(
        string setPath,
        IReadOnlyList<SourceFile> entries,
        StartBackupRequest request,
        bool hot,
        Func<SourceFile, IEntryContentInspector>? checkBlocks,
        IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var paths = entries.Select(e => e.SetPath).ToHashSet(StringComparer.Ordinal);
        var roots = entries.Where(e => e.IsDirectory && !paths.Contains(Parent(e.SetPath))).ToList();
        var results = new List<(ManifestArchive, ManifestFile)>();
        foreach (var root in roots)
        {
            string prefix = root.SetPath + "/";
            var included = entries.Where(e => e.SetPath.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.SetPath[prefix.Length..], StringComparer.Ordinal);
            string extension = request.Compression switch
            {
                ArchiveCompression.GZip => ".tar.gz",
                ArchiveCompression.BZip2 => ".tar.bz2",
                ArchiveCompression.Zstd => ".tar.zst",
                _ => ".tar",
            };
            string archivePath = root.SetPath + extension;
            string destination = Path.Combine(setPath, archivePath);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var result = await ArchiveWriter.CreateAsync(
                new CreateArchiveRequest([root.SourcePath], destination)
                {
                    RelativeBasePath = root.SourcePath,
                    Filter = (name, _) => included.ContainsKey(name),
                    InspectContent = checkBlocks is null ? null : name => included.TryGetValue(name, out var file) && file.VerifyBlocks ? checkBlocks(file) : null,
                    Compression = request.Compression,
                    ThrottleLimit = request.Workers(hot),
                },
                progress,
                cancellationToken);
            var failure = result.Problems.FirstOrDefault(p => !hot || p.ErrorId != Errors.SourceFileVanished.Id && p.ErrorId != Errors.SourceFileChanged.Id);
            if (failure is not null)
            {
                throw new BackupException(Errors.BackupCopyFailed, $"Archiving '{root.SourcePath}' failed: {failure}", failure.Path);
            }

            results.Add((new ManifestArchive(archivePath, root.SetPath, request.Compression), new ManifestFile(archivePath, result.BytesOut, result.Sha256, 0x180)));
        }

        return results;
    }

    private static string Parent(string setPath) => setPath.Contains('/') ? setPath[..setPath.LastIndexOf('/')] : "";
}
