using System.Collections.Concurrent;
using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.PostgreSql;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Test-BackupSet: a set passes when it has a manifest, is not marked Failed, every file listed
/// is there with its size and SHA-256, and (PostgreSQL hot sets) the WAL segments from the start to
/// the stop LSN are all present, and every segment in the set is a whole segment of the cluster
/// (<see cref="WalSegmentCheck"/>): a set made from an archive that cut segments short must not pass.
/// </summary>
internal static class BackupSetVerifier
{
    /// <param name="secret">The key of an encrypted set: with it every file is opened and authenticated too (a wrong one is an error); without it an encrypted set's stored files are hashed only.</param>
    public static async Task<TestBackupSetResult> TestAsync(string setPath, int? throttleLimit, IProgress<OperationProgress>? progress, CancellationToken cancellationToken, EncryptionSecret? secret = null)
    {
        var clock = Stopwatch.StartNew();
        string path = Path.GetFullPath(setPath);
        if (!Directory.Exists(path))
        {
            throw new BackupException(Errors.BackupSetNotFound, $"There is no backup set at '{path}'.", path);
        }

        var listed = BackupRepository.Describe(path);
        if (listed.Status is BackupSetStatus.Incomplete or BackupSetStatus.InProgress or BackupSetStatus.Unreadable)
        {
            var reason = listed.Problems.Count > 0
                ? listed.Problems[0]
                : new ItemProblem(path, Errors.BackupSetIncomplete, listed.Status == BackupSetStatus.InProgress
                    ? "no manifest.json yet: the set is still being written"
                    : "no manifest.json: the set is incomplete (cancelled, or its backup failed or was killed)");
            return new TestBackupSetResult(path, listed.SetId, listed.Status, false, 0, 0, null, clock.Elapsed, [reason]);
        }

        var manifest = ManifestStore.Read(path);
        var content = manifest.Encryption is not null && secret is not null ? SetContent.Open(path, manifest, secret) : null;
        var problems = new ConcurrentBag<ItemProblem>();
        if (content?.Key is { } key && ManifestStore.MacProblem(path, key) is { } tampered)
        {
            problems.Add(new ItemProblem(ManifestStore.PathIn(path), Errors.EncryptedFileDamaged, tampered));
        }

        if (manifest.Status == BackupSetStatus.Failed)
        {
            problems.Add(new ItemProblem(path, Errors.BackupSetMarkedFailed, $"the set is marked failed: {manifest.BlockChecks.Corrupt} corrupt block(s) were found on the source"));
        }

        var throttle = new ProgressThrottle(progress);
        long total = manifest.Files.Sum(f => f.Size);
        long done = 0, count = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, throttleLimit ?? Environment.ProcessorCount), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(manifest.Files.OrderByDescending(f => f.Size), options, (file, ct) =>
        {
            if ((content?.Key is not null && File.Exists(Path.Combine(path, file.Path)) ? content.AuthenticationProblem(file, file.Path, ct) : FileProblem(path, file, file.Path, ct)) is { } problem)
            {
                problems.Add(problem);
                if (problem.ErrorId == Errors.BackupSetFileMissing.Id)
                {
                    return ValueTask.CompletedTask;
                }
            }

            Interlocked.Add(ref done, file.Size);
            Interlocked.Increment(ref count);
            throttle.Report(() => new OperationProgress("Test backup set", "Hashing", file.Path, Interlocked.Read(ref count), manifest.Files.Count, Interlocked.Read(ref done), total));
            return ValueTask.CompletedTask;
        });

        bool? redoComplete = null;
        if (manifest is { Engine: DatabaseEngine.PostgreSql, Kind: BackupKind.Hot })
        {
            redoComplete = CheckWal(manifest, path, problems, content);
        }

        if (manifest.ParentSetId is not null)
        {
            await CheckChainAsync(path, manifest, throttleLimit, problems, cancellationToken, secret);
        }

        var list = problems.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
        return new TestBackupSetResult(path, manifest.SetId, manifest.Status, list.Count == 0, count, done, redoComplete, clock.Elapsed, list)
        {
            ContentAuthenticated = manifest.Encryption is null ? null : content is not null,
        };
    }

    /// <summary>
    /// A differential or incremental set is restorable only with its chain: every set it builds on is
    /// there, is the one it was made against, passes this test itself, and every relation file stored
    /// as pages has a set below that holds it whole.
    /// </summary>
    private static async Task CheckChainAsync(string path, BackupSetManifest manifest, int? throttleLimit, ConcurrentBag<ItemProblem> problems, CancellationToken cancellationToken, EncryptionSecret? secret)
    {
        IReadOnlyList<BackupChain.ChainedSet> chain;
        try
        {
            chain = BackupChain.Resolve(path, manifest);
            var layers = BackupChain.Layers(chain);
            foreach (var delta in manifest.PageDeltas)
            {
                layers(delta.Path);
            }
        }
        catch (BackupException ex) when (ex.Error == Errors.BackupChainBroken)
        {
            problems.Add(new ItemProblem(path, ex.Error, ex.Message));
            return;
        }

        var parent = chain[^2];
        var parentTest = await TestAsync(parent.Path, throttleLimit, null, cancellationToken, secret);
        if (!parentTest.Passed)
        {
            problems.Add(new ItemProblem(parent.Path, Errors.BackupChainBroken, $"the set {parent.Manifest.SetId} this one builds on does not pass: {parentTest.Problems[0]}"));
        }
    }

    /// <summary>
    /// The set's files named in <paramref name="files"/> (each with the set folder it is in) that are
    /// missing or differ from their manifest entry: what a restore that reads only some files checks
    /// before it writes anything.
    /// </summary>
    internal static async Task<IReadOnlyList<ItemProblem>> DamagedAsync(IReadOnlyList<(string SetPath, ManifestFile File)> files, int throttleLimit, CancellationToken cancellationToken)
    {
        var problems = new ConcurrentBag<ItemProblem>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = throttleLimit, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(files.OrderByDescending(f => f.File.Size), options, (entry, ct) =>
        {
            var (setPath, file) = entry;
            if (FileProblem(setPath, file, Path.Combine(setPath, file.Path), ct) is { } problem)
            {
                problems.Add(problem);
            }

            return ValueTask.CompletedTask;
        });
        return [.. problems.OrderBy(p => p.Path, StringComparer.Ordinal)];
    }

    /// <summary>The file of the set at <paramref name="setPath"/> is missing or differs from its manifest entry (size, SHA-256): the problem, named <paramref name="reportAs"/>; null when it matches.</summary>
    private static ItemProblem? FileProblem(string setPath, ManifestFile file, string reportAs, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(setPath, file.Path.Replace('/', Path.DirectorySeparatorChar))))
        {
            return new ItemProblem(reportAs, Errors.BackupSetFileMissing, "listed in the manifest but missing from the set");
        }

        var found = ManifestFile.FromFile(setPath, file.Path, file.Mode, cancellationToken);
        return found.Size != file.Size || found.Sha256 != file.Sha256
            ? new ItemProblem(reportAs, Errors.BackupSetFileChanged, $"differs from the manifest (size {found.Size}, expected {file.Size}; SHA-256 {found.Sha256[..12]}..., expected {file.Sha256[..12]}...)")
            : null;
    }

    /// <summary>
    /// The quick check retention relies on: every file of the manifest is there with its size, and
    /// (PostgreSQL hot sets) the WAL range is complete and its segments whole. Contents are not hashed
    /// (Test-BackupSet does that).
    /// </summary>
    internal static bool IsIntact(string path, BackupSetManifest manifest)
    {
        foreach (var file in manifest.Files)
        {
            var meta = IO.UnixFileSystem.TryLstat(Path.Combine(path, file.Path));
            if (meta is null || meta.Kind != IO.FileKind.File || meta.Size != file.Size)
            {
                return false;
            }
        }

        return manifest is not { Engine: DatabaseEngine.PostgreSql, Kind: BackupKind.Hot } || CheckWal(manifest, path, []);
    }

    /// <summary>Every segment from the start to the stop LSN is in the set, and every segment the set holds is whole; false (with problems) otherwise.</summary>
    /// <remarks>An encrypted set's segments are read with its key (<paramref name="content"/>); without it their content is not checked.</remarks>
    private static bool CheckWal(BackupSetManifest manifest, string path, ConcurrentBag<ItemProblem> problems, SetContent? content = null)
    {
        if (manifest.StartPosition is null || manifest.StopPosition is null || manifest.Timeline is null
            || !Lsn.TryParse(manifest.StartPosition, out var start) || !Lsn.TryParse(manifest.StopPosition, out var stop))
        {
            problems.Add(new ItemProblem(path, Errors.WalRangeIncomplete, "the manifest does not record the start and stop LSN"));
            return false;
        }

        long segmentSize = manifest.WalSegmentSize ?? 16L * 1024 * 1024;
        string suffix = StoredRedo.Suffix(StoredRedo.Of(manifest));
        var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        bool complete = true;
        foreach (string segment in WalSegments.Covering(manifest.Timeline.Value, start, stop, segmentSize))
        {
            string setPath = "wal/" + segment + suffix;
            if (!listed.Contains(setPath) || !File.Exists(Path.Combine(path, setPath)))
            {
                complete = false;
                problems.Add(new ItemProblem(setPath, Errors.WalRangeIncomplete, $"WAL segment {segment} (between start {start} and stop {stop}) is missing"));
            }
        }

        foreach (string redoFile in manifest.RedoFiles)
        {
            string name = Path.GetFileName(redoFile);
            name = name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : name;
            string full = Path.Combine(path, redoFile);
            if (!WalSegments.TryParse(name, segmentSize, out _, out _) || !File.Exists(full) || (manifest.Encryption is not null && content is null))
            {
                continue;
            }

            string? problem;
            try
            {
                problem = WalSegmentCheck.Problem(full, name, segmentSize, manifest.Database.ServerVersion, manifest.Database.Identity, content is null ? null : () => content.OpenRedo(redoFile));
            }
            catch (BackupException ex) when (ex.Error == Errors.EncryptedFileDamaged)
            {
                // Reported with the file's own check.
                continue;
            }

            if (problem is not null)
            {
                complete = false;
                problems.Add(new ItemProblem(redoFile, Errors.WalSegmentInvalid, $"WAL segment {name} is not a whole segment of this cluster: {problem}"));
            }
        }

        return complete;
    }
}
