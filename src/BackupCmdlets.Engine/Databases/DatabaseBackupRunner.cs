using System.Diagnostics;
using System.Globalization;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Runs hot and cold backups through a provider, owning the order of the steps and the guarantees:
/// backup mode is ended and a shut-down database started again in a finally (also on cancel and on a
/// failed copy; a failure to do so is itself a terminating error naming the scope); the manifest is
/// written last, so a set without one is incomplete; a set with corrupt source blocks is marked Failed.
/// </summary>
internal static class DatabaseBackupRunner
{
    public static async Task<BackupSet> RunHotAsync(IHotBackupProvider provider, StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        const string activity = "Hot backup";
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        progress?.Report(new OperationProgress(activity, "Connecting"));
        var database = await provider.OpenAsync(cancellationToken);
        await provider.EnsureHotBackupPossibleAsync(cancellationToken);
        BackupSetFolder.EnsureOutside(request.DestinationPath, [database.Location, .. provider.Tablespaces.Select(t => t.Location)]);
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, database.Engine, BackupKind.Hot, started);
        var (setPath, setId) = (setFolder.Path, setFolder.SetId);
        string label = request.Label ?? $"BackupCmdlets {setId}";
        var copier = new SetFileCopier(setPath, request.Workers(hot: true), progress, activity);
        var archived = new List<(ManifestArchive Archive, ManifestFile File)>();
        var starts = new List<ScopeStart>();
        var ends = new List<ScopeEnd>();
        foreach (var scope in provider.Scopes)
        {
            progress?.Report(new OperationProgress(activity, $"Beginning backup mode: {scope.Name}"));
            ScopeStart start;
            try
            {
                start = await provider.BeginBackupAsync(scope, label, cancellationToken);
            }
            catch when (starts.Count == 0)
            {
                // Nothing was copied yet: leave no empty incomplete set behind.
                Directory.Delete(setPath, recursive: true);
                throw;
            }

            starts.Add(start);
            Exception? copyFailure = null;
            try
            {
                archived.AddRange(await CopyAsync(copier, provider.ListFiles(scope), provider.CreateVerifier(start), setPath, request, hot: true, progress, cancellationToken));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                copyFailure = ex;
                throw new BackupException(Errors.BackupCopyFailed, $"The hot copy into '{setPath}' failed: {ex.Message}", setPath, ex);
            }
            catch (Exception ex)
            {
                copyFailure = ex;
                throw;
            }
            finally
            {
                progress?.Report(new OperationProgress(activity, $"Ending backup mode: {scope.Name}"));
                try
                {
                    ends.Add(await provider.EndBackupAsync(start, CancellationToken.None));
                }
                catch (Exception ex) when (ex is not BackupException || ((BackupException)ex).Error != Errors.EndBackupFailed)
                {
                    throw new BackupException(
                        Errors.EndBackupFailed,
                        $"Backup mode could not be ended for '{scope.Name}': it may still be in backup mode. {ex.Message}" + (copyFailure is null ? "" : $" (The copy had failed first: {copyFailure.Message})"),
                        scope.Name,
                        ex);
                }
            }

            progress?.Report(new OperationProgress(activity, $"Backup mode ended: {scope.Name}"));
        }

        var consistent = DateTimeOffset.UtcNow;
        foreach (var end in ends)
        {
            foreach (var (path, content) in end.GeneratedFiles)
            {
                WriteGenerated(setPath, path, content);
            }
        }

        progress?.Report(new OperationProgress(activity, "Collecting WAL"));
        var redo = await provider.CollectRedoAsync(starts, ends, cancellationToken);
        bool compressRedo = request.Compression != Archiving.ArchiveCompression.None;
        if (compressRedo)
        {
            await copier.CopyCompressedAsync(redo.Files, cancellationToken);
        }
        else
        {
            await copier.CopyAsync(redo.Files, null, cancellationToken);
        }

        var generated = ends.SelectMany(e => e.GeneratedFiles.Keys).Select(p => HashGenerated(setPath, p));
        var checks = copier.Summary(database.BlockSize);
        var manifest = new BackupSetManifest
        {
            SetId = setId,
            Engine = database.Engine,
            Kind = BackupKind.Hot,
            Status = checks.Corrupt > 0 ? BackupSetStatus.Failed : BackupSetStatus.Complete,
            Label = label,
            Database = database,
            StartTime = started,
            StopTime = started + clock.Elapsed,
            StartPosition = redo.StartPosition,
            StopPosition = redo.StopPosition,
            ConsistentTime = consistent,
            EndPosition = redo.EndPosition,
            Timeline = starts[0].Timeline,
            Scopes = [.. starts.Zip(ends, (start, end) => new ManifestScope(start.Scope.Name, start.Position, end.Position))],
            WalSegmentSize = redo.SegmentSize,
            RedoCompressed = compressRedo,
            RedoArchive = redo.Archive,
            OwnerId = OwnerOf(database.Location)?.UserId,
            GroupId = OwnerOf(database.Location)?.GroupId,
            Tablespaces = provider.Tablespaces,
            Directories = copier.Directories,
            Archives = [.. archived.Select(a => a.Archive)],
            Files = [.. copier.Files.Concat(generated).Concat(archived.Select(a => a.File)).OrderBy(f => f.Path, StringComparer.Ordinal)],
            RedoFiles = [.. redo.Files.Select(f => compressRedo ? f.SetPath + SetFileCopier.CompressedSuffix : f.SetPath)],
            FileStartPositions = starts.SelectMany(s => s.FileStartPositions).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            RedoSequences = redo.RedoSequences,
            BlockChecks = checks,
        };
        return Finish(setPath, manifest);
    }

    public static async Task<BackupSet> RunColdAsync(IColdBackupProvider provider, StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        const string activity = "Cold backup";
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        progress?.Report(new OperationProgress(activity, "Connecting"));
        var database = await provider.OpenAsync(cancellationToken);
        await provider.EnsureColdBackupPossibleAsync(cancellationToken);
        BackupSetFolder.EnsureOutside(request.DestinationPath, [database.Location, .. provider.Tablespaces.Select(t => t.Location)]);
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, database.Engine, BackupKind.Cold, started);
        var (setPath, setId) = (setFolder.Path, setFolder.SetId);
        var copier = new SetFileCopier(setPath, request.Workers(hot: false), progress, activity);
        var archived = new List<(ManifestArchive Archive, ManifestFile File)>();
        progress?.Report(new OperationProgress(activity, "Shutting down the database"));
        await provider.ShutdownAsync(cancellationToken);
        Exception? copyFailure = null;
        try
        {
            archived.AddRange(await CopyAsync(copier, provider.ListColdFiles(), provider.CreateColdVerifier(), setPath, request, hot: false, progress, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            copyFailure = ex;
            throw new BackupException(Errors.BackupCopyFailed, $"The cold copy into '{setPath}' failed: {ex.Message}", setPath, ex);
        }
        catch (Exception ex)
        {
            copyFailure = ex;
            throw;
        }
        finally
        {
            progress?.Report(new OperationProgress(activity, "Starting the database"));
            try
            {
                await provider.StartupAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not BackupException || ((BackupException)ex).Error != Errors.DatabaseNotRestarted)
            {
                throw new BackupException(
                    Errors.DatabaseNotRestarted,
                    $"The database at '{database.Location}' could not be started again after the cold backup: {ex.Message}" + (copyFailure is null ? "" : $" (The copy had failed first: {copyFailure.Message})"),
                    database.Location,
                    ex);
            }
        }

        var checks = copier.Summary(database.BlockSize);
        var manifest = new BackupSetManifest
        {
            SetId = setId,
            Engine = database.Engine,
            Kind = BackupKind.Cold,
            Status = checks.Corrupt > 0 ? BackupSetStatus.Failed : BackupSetStatus.Complete,
            Label = request.Label,
            Database = database,
            StartTime = started,
            StopTime = started + clock.Elapsed,
            OwnerId = OwnerOf(database.Location)?.UserId,
            GroupId = OwnerOf(database.Location)?.GroupId,
            Tablespaces = provider.Tablespaces,
            Directories = copier.Directories,
            Archives = [.. archived.Select(a => a.Archive)],
            Files = [.. copier.Files.Concat(archived.Select(a => a.File)).OrderBy(f => f.Path, StringComparer.Ordinal)],
            BlockChecks = checks,
        };
        return Finish(setPath, manifest);
    }

    /// <summary>Writes the manifest (last, atomically) and answers the set, with its corrupt blocks as problems.</summary>
    internal static BackupSet Finish(string setPath, BackupSetManifest manifest)
    {
        ManifestStore.Write(setPath, manifest);
        var problems = manifest.BlockChecks.Findings
            .Where(f => f.Verdict == BlockCheck.Corrupt)
            .Select(f => new ItemProblem(f.Path, Errors.CorruptBlock, string.Create(CultureInfo.InvariantCulture, $"block {f.Block} is corrupt: {f.Message}"), f.Block * manifest.BlockChecks.BlockSize))
            .ToList();
        return BackupSetDescription.FromManifest(setPath, manifest) with { Problems = problems };
    }

    /// <summary>Plain: copy (and check) every file. Tar: one tar per root folder through the archive engine while the blocks are checked alongside.</summary>
    private static async Task<IReadOnlyList<(ManifestArchive Archive, ManifestFile File)>> CopyAsync(
        SetFileCopier copier, IReadOnlyList<SourceFile> files, IBlockVerifier? verifier, string setPath, StartBackupRequest request, bool hot, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (!request.UsesTar)
        {
            await copier.CopyAsync(files, verifier, cancellationToken);
            return [];
        }

        var archiving = SetArchiver.ArchiveAsync(setPath, files, request, hot, progress, cancellationToken);
        var verifying = verifier is null ? Task.CompletedTask : copier.VerifyAsync(files, verifier, cancellationToken);
        await Task.WhenAll(archiving, verifying);
        return await archiving;
    }

    private static FileMetadata? OwnerOf(string path) => File.Exists(path) || Directory.Exists(path) ? UnixFileSystem.TryLstat(path) : null;

    private static void WriteGenerated(string setPath, string relative, string content)
    {
        string target = Path.Combine(setPath, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var writer = AtomicFileWriter.Create(target);
        writer.Stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
        writer.Commit(overwrite: true);
    }

    private static ManifestFile HashGenerated(string setPath, string relative)
    {
        string target = Path.Combine(setPath, relative.Replace('/', Path.DirectorySeparatorChar));
        using var stream = File.OpenRead(target);
        string sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)).ToLowerInvariant();
        return new ManifestFile(relative, stream.Length, sha, 0x180);
    }
}
