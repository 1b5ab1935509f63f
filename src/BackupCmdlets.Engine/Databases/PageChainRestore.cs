using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restores the relation files a differential or incremental set stores as pages: each is copied from
/// the newest set of its chain that holds it whole, then every later set's delta is laid over it in
/// order (its size set to that set's, then its pages written), so the newest page wins and a file
/// truncated since the parent is truncated here too. Files are rebuilt in parallel and flushed. With
/// -Delta a file already there is kept when it is the file the backup read (size and page digest; a
/// page torn under that read or a hint bit set without WAL may differ from the rebuilt page, and WAL
/// replay settles both); any other is rebuilt beside it and renamed over it.
/// </summary>
internal static class PageChainRestore
{
    /// <summary>The files under <paramref name="setPrefix"/> stored as pages whose copy in <paramref name="target"/> is not the one the backup read: what -Delta rebuilds.</summary>
    public static Task<IReadOnlySet<string>> DifferingAsync(SetContent set, string setPrefix, string target, int throttleLimit, CancellationToken cancellationToken)
    {
        var newest = set.Manifest;
        ulong seed = set.Key?.PageDigestSeed ?? 0;
        string prefix = setPrefix + "/";
        return RestoreTarget.PathsWhereAsync(
            newest.PageDeltas.Where(d => d.Path.StartsWith(prefix, StringComparison.Ordinal)).OrderByDescending(d => d.Size),
            d => d.Path,
            (pages, ct) => !IsSame(Path.Combine(target, pages.Path[prefix.Length..]), pages, newest.Database.BlockSize, seed, ct),
            throttleLimit,
            cancellationToken);
    }

    /// <summary>The set files rebuilding <paramref name="paths"/> reads: each one's whole file in its base set and its page files, with the set folder each is in.</summary>
    public static IEnumerable<(string SetPath, ManifestFile File)> Inputs(IReadOnlyList<BackupChain.ChainedSet> chain, IEnumerable<string> paths)
    {
        var layersOf = BackupChain.Layers(chain);
        var files = chain.ToDictionary(l => l.Path, l => l.Manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (string path in paths)
        {
            var (baseSet, layers) = layersOf(path);
            yield return (baseSet.Path, files[baseSet.Path][path]);
            foreach (var (set, layer) in layers)
            {
                if (layer.StoredPath is { } stored)
                {
                    yield return (set.Path, files[set.Path][stored]);
                }
            }
        }
    }

    /// <summary>
    /// Rebuilds the files stored as pages under <paramref name="setPrefix"/>; with <paramref name="differing"/>
    /// (-Delta, from <see cref="DifferingAsync"/>) only those in it, each beside the file there and renamed over it.
    /// </summary>
    /// <param name="verify">Hash each base file as it is copied (<see cref="VerifiedCopy"/>); the page files are checked beforehand.</param>
    public static async Task<(long Files, long Bytes, long Unchanged)> RebuildAsync(IReadOnlyList<BackupChain.ChainedSet> chain, SetContents contents, string setPrefix, string target, int throttleLimit, RestoreProgress? progress, CancellationToken cancellationToken, IReadOnlySet<string>? differing = null, bool verify = false)
    {
        var newest = chain[^1].Manifest;
        string prefix = setPrefix + "/";
        var layersOf = BackupChain.Layers(chain);
        var deltas = newest.PageDeltas.Where(d => d.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        long files = 0, bytes = 0, unchanged = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(deltas.OrderByDescending(d => d.Size), options, async (pages, ct) =>
        {
            string destination = Path.Combine(target, pages.Path[prefix.Length..]);
            if (differing is not null && !differing.Contains(pages.Path))
            {
                UnixFileSystem.SetPermissions(destination, pages.Mode);
                RestoreTarget.Own(destination, newest);
                Interlocked.Increment(ref unchanged);
                progress?.Done(pages.Path, 1, pages.Size);
                return;
            }

            var (baseSet, layers) = layersOf(pages.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (differing is not null)
            {
                // Over a file that may be there: rebuilt beside it and renamed, so it is old or new, never part of each.
                using var writer = AtomicFileWriter.Create(destination, bufferSize: 1 << 20, preallocate: pages.Size);
                await RebuildIntoAsync(pages.Path, baseSet, layers, contents, writer.Stream, verify, ct);
                writer.Commit(overwrite: true, durable: true, beforeRename: temporary =>
                {
                    UnixFileSystem.SetPermissions(temporary, pages.Mode);
                    RestoreTarget.Own(temporary, newest);
                });
            }
            else
            {
                await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous))
                {
                    await RebuildIntoAsync(pages.Path, baseSet, layers, contents, output, verify, ct);
                    // Fsynced with the rest of the tree at the end of the restore, as RestoreTarget's copies are.
                    UnixFileSystem.StartWriteback(output.SafeFileHandle, 0, output.Length);
                }

                UnixFileSystem.SetPermissions(destination, pages.Mode);
                RestoreTarget.Own(destination, newest);
            }

            Interlocked.Increment(ref files);
            Interlocked.Add(ref bytes, pages.Size);
            progress?.Done(pages.Path, 1, pages.Size);
        });
        return (files, bytes, unchanged);
    }

    /// <summary>-Delta: the file there is the one the backup read (its size and page digest), so it is kept.</summary>
    private static bool IsSame(string destination, ManifestPageDelta pages, int pageSize, ulong seed, CancellationToken cancellationToken) =>
        pages.Digest is { } digest
        && UnixFileSystem.TryLstat(destination) is { Kind: FileKind.File }
        && PageDigest.Of(destination, pages.Size, pageSize, seed, cancellationToken) == digest;

    /// <summary>The base file of <paramref name="path"/> copied into <paramref name="output"/>, then each later set's size and pages laid over it.</summary>
    private static async Task RebuildIntoAsync(string path, BackupChain.ChainedSet baseSet, IReadOnlyList<(BackupChain.ChainedSet Set, ManifestPageDelta Delta)> layers, SetContents contents, FileStream output, bool verify, CancellationToken cancellationToken)
    {
        var content = contents.Of(baseSet.Path, baseSet.Manifest);
        var file = baseSet.Manifest.Files.First(f => f.Path == path);
        if (verify)
        {
            await VerifiedCopy.CopyAsync(content, file, output, cancellationToken);
        }
        else
        {
            await content.CopyContentAsync(file, output, cancellationToken);
        }

        await output.FlushAsync(cancellationToken);
        foreach (var (set, layer) in layers)
        {
            output.SetLength(layer.Size);
            if (layer.StoredPath is { } stored)
            {
                using var source = contents.Of(set.Path, set.Manifest).OpenPositioned(stored);
                PageDeltaFile.ApplyTo(source, InSet(set.Path, stored), output.SafeFileHandle, cancellationToken);
            }
        }
    }

    private static string InSet(string setPath, string path) => Path.Combine(setPath, path.Replace('/', Path.DirectorySeparatorChar));
}
