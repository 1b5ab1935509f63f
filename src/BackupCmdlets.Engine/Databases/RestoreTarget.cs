using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>Copies the files of a set back out (mode kept; owner set to the database's owner when run as root).</summary>
internal static class RestoreTarget
{
    /// <summary>Refuses a non-empty folder unless forced, in which case its contents are removed first.</summary>
    public static void PrepareEmptyFolder(string folder, bool force)
    {
        if (File.Exists(folder))
        {
            throw new BackupException(Errors.RestoreDestinationNotEmpty, $"The restore destination '{folder}' is a file.", folder);
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!force)
            {
                throw new BackupException(Errors.RestoreDestinationNotEmpty, $"The restore destination '{folder}' is not empty: choose an empty folder or use {ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} to replace its contents.", folder);
            }

            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo { LinkTarget: null } directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        Directory.CreateDirectory(folder);
    }

    /// <summary>Restores the folder <paramref name="setPrefix"/> of the set: its tar extracted (tar format), then its plain files copied (each hashed as it is read with <paramref name="verify"/>: <see cref="VerifiedCopy"/>).</summary>
    public static async Task<(long Files, long Bytes)> RestoreFolderAsync(SetContent set, string setPrefix, string target, int throttleLimit, RestoreProgress? progress, CancellationToken cancellationToken, bool verify = false)
    {
        var (setPath, manifest) = (set.SetPath, set.Manifest);
        long files = 0, bytes = 0;
        foreach (var archive in manifest.Archives.Where(a => a.Root == setPrefix))
        {
            var expanded = await ArchiveExtractor.ExpandAsync(
                new ExpandArchiveRequest(Path.Combine(setPath, archive.Path), target) { Force = true, PreserveOwner = true, ThrottleLimit = throttleLimit },
                null,
                cancellationToken);
            if (expanded.Problems.FirstOrDefault() is { } problem)
            {
                throw new BackupException(Errors.BackupSetVerificationFailed, $"Extracting '{archive.Path}' failed: {problem}", problem.Path);
            }

            files += expanded.Files;
            bytes += expanded.BytesWritten;
            progress?.Done(archive.Path, 1, manifest.Files.FirstOrDefault(f => f.Path == archive.Path)?.Size ?? 0);
        }

        var (plainFiles, plainBytes, _) = await CopyTreeAsync(set, setPrefix, target, throttleLimit, progress, cancellationToken, verify: verify);
        return (files + plainFiles, bytes + plainBytes);
    }

    /// <summary>The set's files under <paramref name="setPrefix"/> whose copy in <paramref name="target"/> is missing or differs (size, SHA-256 or an encrypted set's content MAC): what -Delta writes.</summary>
    public static Task<IReadOnlySet<string>> DifferingAsync(SetContent set, string setPrefix, string target, int throttleLimit, CancellationToken cancellationToken)
    {
        string prefix = setPrefix + "/";
        return PathsWhereAsync(
            set.Manifest.Files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)).OrderByDescending(f => f.Size),
            f => f.Path,
            (file, ct) => !set.Matches(Path.Combine(target, file.Path[prefix.Length..]), file, ct),
            throttleLimit,
            cancellationToken);
    }

    /// <summary>The paths of the <paramref name="items"/> for which <paramref name="test"/> holds, tested <paramref name="throttleLimit"/> at a time (the comparisons of -Delta).</summary>
    public static async Task<IReadOnlySet<string>> PathsWhereAsync<T>(IEnumerable<T> items, Func<T, string> pathOf, Func<T, CancellationToken, bool> test, int throttleLimit, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, options, (item, ct) =>
        {
            if (test(item, ct))
            {
                found[pathOf(item)] = true;
            }

            return ValueTask.CompletedTask;
        });
        return found.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Copies every folder and file of the set under <paramref name="setPrefix"/> into <paramref name="target"/>.
    /// With <paramref name="differing"/> (-Delta, from <see cref="DifferingAsync"/>), a file not in it is kept (only
    /// its mode and owner are set) and counted as unchanged; one in it is written beside its name and renamed over it.
    /// With <paramref name="verify"/> each file is hashed as it is copied (<see cref="VerifiedCopy"/>).
    /// </summary>
    public static async Task<(long Files, long Bytes, long Unchanged)> CopyTreeAsync(SetContent set, string setPrefix, string target, int throttleLimit, RestoreProgress? progress, CancellationToken cancellationToken, IReadOnlySet<string>? differing = null, bool verify = false)
    {
        var manifest = set.Manifest;
        string prefix = setPrefix + "/";
        foreach (var directory in manifest.Directories.Where(d => d.Path == setPrefix || d.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            string path = directory.Path == setPrefix ? target : Path.Combine(target, directory.Path[prefix.Length..]);
            Directory.CreateDirectory(path);
            UnixFileSystem.SetPermissions(path, directory.Mode);
            Own(path, manifest);
        }

        var files = manifest.Files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken };
        long written = 0, writtenBytes = 0;
        await Parallel.ForEachAsync(files.OrderByDescending(f => f.Size), options, async (file, ct) =>
        {
            string relative = file.Path[prefix.Length..];
            string destination = Path.Combine(target, relative);
            if (differing is not null && !differing.Contains(file.Path))
            {
                UnixFileSystem.SetPermissions(destination, file.Mode);
                Own(destination, manifest);
                progress?.Done(file.Path, 1, file.Size);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (differing is not null)
            {
                // Over a file that may be there: written beside it and renamed, so it is old or new, never part of each.
                using var writer = AtomicFileWriter.Create(destination, bufferSize: 1 << 20, preallocate: set.ContentLength(file));
                await set.CopyContentAsync(file, writer.Stream, ct);

                writer.Commit(overwrite: true, durable: true, beforeRename: temporary =>
                {
                    UnixFileSystem.SetPermissions(temporary, file.Mode);
                    Own(temporary, manifest);
                });
            }
            else
            {
                await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
                {
                    if (verify)
                    {
                        await VerifiedCopy.CopyAsync(set, file, output, ct);
                    }
                    else
                    {
                        await set.CopyContentAsync(file, output, ct);
                    }

                    await output.FlushAsync(ct);
                    // Written back now, fsynced with the rest of the tree at the end of the restore (FlushTree):
                    // one fsync per file as it is written would commit the journal once per file.
                    UnixFileSystem.StartWriteback(output.SafeFileHandle, 0, output.Length);
                }

                UnixFileSystem.SetPermissions(destination, file.Mode);
                Own(destination, manifest);
            }

            Interlocked.Increment(ref written);
            Interlocked.Add(ref writtenBytes, set.ContentLength(file));
            progress?.Done(file.Path, 1, file.Size);
        });
        return (written, writtenBytes, files.Count - written);
    }

    /// <summary>
    /// Removes what a failed restore wrote into <paramref name="folder"/>, which it found empty or absent (or emptied
    /// with -Force): its contents, and the folder itself unless it was there before. Links are removed as links.
    /// </summary>
    public static void RemoveRestored(string folder, bool keepFolder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo { LinkTarget: null } directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        if (!keepFolder)
        {
            Directory.Delete(folder);
        }
    }

    /// <summary>
    /// Makes every file and folder under <paramref name="root"/> (and the link entries) reach the disk:
    /// PostgreSQL does not sync a cleanly shut-down copy when it starts, so the restore must.
    /// </summary>
    public static void FlushTree(string root)
    {
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry is FileInfo && UnixFileSystem.TryLstat(entry.FullName) is { Kind: FileKind.File })
            {
                UnixFileSystem.Flush(entry.FullName);
            }
        }

        // Folders after their contents, so each new name is in a folder that is itself on disk.
        foreach (var folder in new DirectoryInfo(root).EnumerateDirectories("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Where(d => d.LinkTarget is null).Reverse())
        {
            UnixFileSystem.Flush(folder.FullName);
        }

        UnixFileSystem.Flush(root);
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root)) is { } parent)
        {
            UnixFileSystem.Flush(parent);
        }
    }

    public static void Own(string path, BackupSetManifest manifest)
    {
        if (UnixFileSystem.IsRoot && manifest.OwnerId is { } uid && manifest.GroupId is { } gid)
        {
            UnixFileSystem.SetOwner(path, uid, gid);
        }
    }
}
