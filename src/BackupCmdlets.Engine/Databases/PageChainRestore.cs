using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restores the relation files a differential or incremental set stores as pages: each is copied from
/// the newest set of its chain that holds it whole, then every later set's delta is laid over it in
/// order (its size set to that set's, then its pages written), so the newest page wins and a file
/// truncated since the parent is truncated here too. Files are rebuilt in parallel and flushed.
/// </summary>
internal static class PageChainRestore
{
    public static async Task<(long Files, long Bytes)> RebuildAsync(IReadOnlyList<BackupChain.ChainedSet> chain, string setPrefix, string target, int throttleLimit, RestoreProgress? progress, CancellationToken cancellationToken)
    {
        var newest = chain[^1].Manifest;
        string prefix = setPrefix + "/";
        var layersOf = BackupChain.Layers(chain);
        var deltas = newest.PageDeltas.Where(d => d.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        long files = 0, bytes = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(deltas.OrderByDescending(d => d.Size), options, async (delta, ct) =>
        {
            var (baseSet, layers) = layersOf(delta.Path);
            string destination = Path.Combine(target, delta.Path[prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await using (var input = new FileStream(InSet(baseSet.Path, delta.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await input.CopyToAsync(output, ct);
                await output.FlushAsync(ct);
                foreach (var (set, layer) in layers)
                {
                    output.SetLength(layer.Size);
                    if (layer.StoredPath is { } stored)
                    {
                        PageDeltaFile.ApplyTo(InSet(set.Path, stored), output.SafeFileHandle, ct);
                    }
                }

                output.Flush(flushToDisk: true);
            }

            UnixFileSystem.SetPermissions(destination, delta.Mode);
            RestoreTarget.Own(destination, newest);
            Interlocked.Increment(ref files);
            Interlocked.Add(ref bytes, delta.Size);
            progress?.Done(delta.Path, 1, delta.Size);
        });
        return (files, bytes);
    }

    private static string InSet(string setPath, string path) => Path.Combine(setPath, path.Replace('/', Path.DirectorySeparatorChar));
}
