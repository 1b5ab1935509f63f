using System.Diagnostics;
using System.Globalization;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Runs every hot and cold backup of every engine through its provider, owning the order of the steps
/// and the guarantees: nothing is written before the provider allows the backup; each scope is begun,
/// copied and ended, the end in a finally (also on cancel and on a failed copy; a failure to end is
/// itself a terminating error naming what may still be held); the manifest is written last, so a set
/// without one is incomplete; a set with corrupt source blocks is marked Failed.
/// </summary>
internal static class DatabaseBackupRunner
{
    public static async Task<BackupSet> RunAsync(IDatabaseProvider provider, BackupKind kind, StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        string activity = $"{kind} backup";
        IBackupSteps steps = (kind, provider) switch
        {
            (BackupKind.Hot, IHotBackupProvider hot) => new HotBackupSteps(hot, activity, progress),
            (BackupKind.Cold, IColdBackupProvider cold) => new ColdBackupSteps(cold, activity, progress),
            _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"{kind} backups of {request.Engine} are not available in this version."),
        };
        if (request.CompressesFiles && (request.Engine != DatabaseEngine.PostgreSql || request.Compression != ArchiveCompression.Zstd))
        {
            throw new BackupException(
                Errors.ParameterOutOfRange,
                $"{ParameterNames.Of(nameof(StartBackupRequest.Format))} Plain with {ParameterNames.Of(nameof(StartBackupRequest.Compression))} stores each file zstd-compressed on its own: it takes Zstd only, for PostgreSQL sets (leave {ParameterNames.Of(nameof(StartBackupRequest.Format))} out for a compressed tar).");
        }

        var secret = EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile);
        if (secret is not null && (request.Engine != DatabaseEngine.PostgreSql || request.UsesTar))
        {
            throw new BackupException(
                Errors.EncryptionNotSupported,
                $"Encrypted sets are PostgreSQL sets in the Plain format (with {ParameterNames.Of(nameof(StartBackupRequest.Compression))} Zstd or none): each file is compressed and encrypted on its own as it is copied.");
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        progress?.Report(new OperationProgress(activity, "Connecting"));
        var database = await provider.OpenAsync(cancellationToken);
        await steps.EnsurePossibleAsync(cancellationToken);
        BackupSetFolder.EnsureOutside(request.DestinationPath, [database.Location, .. provider.Tablespaces.Select(t => t.Location)]);
        var (parent, fullBackupReason) = ChooseParent(provider, kind, request, database, secret);
        var interrupted = ResumeJournal.Newest(request.DestinationPath, header =>
            header.Engine == database.Engine && header.Kind == kind && header.Identity == database.Identity && SameEncryption(header.Encryption, secret, request.DestinationPath));
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, database.Engine, kind, started);
        string label = request.Label ?? $"BackupCmdlets {setFolder.SetId}";
        // Files taken over from an interrupted set were encrypted under its key record: the set goes on with it.
        var encryption = interrupted?.Header.Encryption ?? secret?.NewEncryption();
        var key = encryption is null ? null : new SetKey(secret!.MasterKey(encryption, setFolder.Path));
        var set = new BackupSetWriter(setFolder.Path, request, kind, activity, progress, key);
        using var journal = new ResumeJournalWriter(set.Folder, () => new ResumeHeader(database.Engine, kind, database.Identity, set.Parent?.SetId, set.Parent?.ReferencePosition, encryption));
        set.Journal = journal;
        if (interrupted is { } resumable)
        {
            set.Resumable = (resumable.SetPath, resumable.Header.ParentSetId, resumable.Entries);
        }

        var starts = new List<ScopeStart>();
        var ends = new List<ScopeEnd>();
        foreach (var scope in steps.Scopes)
        {
            ScopeStart start;
            try
            {
                start = await steps.BeginAsync(scope, label, cancellationToken);
            }
            catch when (starts.Count == 0)
            {
                // Nothing was copied yet: leave no empty incomplete set behind.
                Directory.Delete(set.Folder, recursive: true);
                throw;
            }

            starts.Add(start);
            if (parent is not null && provider is IIncrementalBackupProvider incremental)
            {
                var changes = incremental.ChangeTestSince(start, parent.Manifest, out fullBackupReason);
                set.Parent = changes is null ? null : new IncrementalParent(parent.Manifest.SetId, request.Type, parent.Manifest.StartPosition!, IncrementalParent.FilesOf(parent.Manifest), changes);
            }

            Exception? copyFailure = null;
            try
            {
                await steps.CopyAsync(start, set, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                copyFailure = ex;
                throw new BackupException(Errors.BackupCopyFailed, $"The {kind.ToString().ToLowerInvariant()} copy into '{set.Folder}' failed: {ex.Message}", set.Folder, ex);
            }
            catch (Exception ex)
            {
                copyFailure = ex;
                throw;
            }
            finally
            {
                try
                {
                    ends.Add(await steps.EndAsync(start));
                }
                catch (Exception ex) when (ex is not BackupException { Error: var error } || error != steps.EndError)
                {
                    throw steps.EndFailed(start, database, ex, copyFailure is null ? "" : $" (The copy had failed first: {copyFailure.Message})");
                }
            }
        }

        var consistent = DateTimeOffset.UtcNow;
        foreach (var (path, content) in ends.SelectMany(e => e.GeneratedFiles))
        {
            set.WriteGenerated(path, content);
        }

        var redo = await steps.CompleteAsync(starts, ends, set, cancellationToken);
        var redoFiles = redo is null ? [] : await set.CopyRedoAsync(redo.Files, cancellationToken);
        var checks = set.BlockChecks(database.BlockSize);
        var owner = File.Exists(database.Location) || Directory.Exists(database.Location) ? UnixFileSystem.TryLstat(database.Location) : null;
        var manifest = new BackupSetManifest
        {
            SetId = setFolder.SetId,
            Engine = database.Engine,
            Kind = kind,
            Status = checks.Corrupt > 0 ? BackupSetStatus.Failed : BackupSetStatus.Complete,
            Label = request.Label,
            Database = database,
            StartTime = started,
            StopTime = set.TakenAt ?? started + clock.Elapsed,
            OwnerId = owner?.UserId,
            GroupId = owner?.GroupId,
            Tablespaces = provider.Tablespaces,
            Directories = set.Directories,
            Archives = set.Archives,
            Files = set.Files,
            BlockChecks = checks,
            Type = set.Parent?.Type ?? BackupType.Full,
            ParentSetId = set.Parent?.SetId,
            ReferencePosition = set.Parent?.ReferencePosition,
            PageDeltas = set.PageDeltas,
            Encryption = encryption,
            ResumedFrom = set.FilesResumed > 0 ? Path.GetFileName(interrupted?.SetPath) : null,
        };
        if (redo is not null)
        {
            // Backup mode needs a label, so a set taken in it records the one it was given, made up when none was asked for.
            manifest = manifest with
            {
                Label = label,
                StartPosition = redo.StartPosition,
                StopPosition = redo.StopPosition,
                ConsistentTime = consistent,
                EndPosition = redo.EndPosition,
                Timeline = starts[0].Timeline,
                Scopes = [.. starts.Zip(ends, (start, end) => new ManifestScope(start.Scope.Name, start.Position!, end.Position!))],
                WalSegmentSize = redo.SegmentSize,
                RedoCompressed = set.CompressesRedo,
                RedoCompression = set.CompressesRedo ? set.RedoCompression : null,
                RedoArchive = redo.Archive,
                RedoFiles = redoFiles,
                FileStartPositions = starts.SelectMany(s => s.FileStartPositions).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                RedoSequences = redo.RedoSequences,
            };
        }

        ManifestStore.Write(set.Folder, manifest, key);
        journal.Delete();
        if (interrupted is { } taken)
        {
            RemoveInterrupted(taken.SetPath);
        }

        var problems = checks.Findings
            .Where(f => f.Verdict == BlockCheck.Corrupt)
            .Select(f => new ItemProblem(f.Path, Errors.CorruptBlock, string.Create(CultureInfo.InvariantCulture, $"block {f.Block} is corrupt: {f.Message}"), f.Block * checks.BlockSize))
            .ToList();
        return BackupSetDescription.FromManifest(set.Folder, manifest) with { Problems = problems, FullBackupReason = fullBackupReason, FilesResumed = set.FilesResumed };
    }

    /// <summary>An interrupted set's journal is of use when its files are encrypted as this backup's will be: both in the clear, or both under the key given.</summary>
    private static bool SameEncryption(ManifestEncryption? encryption, EncryptionSecret? secret, string repository) =>
        encryption is null ? secret is null : secret is not null && OpensWith(repository, encryption, secret);

    /// <summary>
    /// Removes the interrupted set a backup took over from, once the new set is complete: a set folder this
    /// tool made, with no manifest and no live process writing it; what it still holds is what the new set
    /// read again. Left for retention (-IncludeIncomplete) when it cannot be removed.
    /// </summary>
    private static void RemoveInterrupted(string setPath)
    {
        try
        {
            if (!ManifestStore.Exists(setPath))
            {
                Directory.Delete(setPath, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// The set a differential or incremental backup builds on, or why a full one is taken instead; refuses
    /// what cannot store changed pages (other engines, cold backups, the tar format).
    /// </summary>
    private static (BackupChain.ChainedSet? Parent, string? FullBackupReason) ChooseParent(IDatabaseProvider provider, BackupKind kind, StartBackupRequest request, DatabaseDescription database, EncryptionSecret? secret)
    {
        if (request.Type == BackupType.Full)
        {
            return (null, null);
        }

        if (kind != BackupKind.Hot || provider is not IIncrementalBackupProvider || request.UsesTar)
        {
            throw new BackupException(
                Errors.IncrementalNotSupported,
                $"{ParameterNames.Of(nameof(StartBackupRequest.Type))} {request.Type} applies to PostgreSQL hot backups in the Plain format only ({ParameterNames.Of(nameof(StartBackupRequest.Compression))} with {ParameterNames.Of(nameof(StartBackupRequest.Format))} Plain, not a tar): the set's pages are compared with a plain parent set's.");
        }

        // A chain is encrypted with one key throughout, or not at all.
        var parent = BackupChain.NewestParent(request.DestinationPath, database.Identity, request.Type, (path, manifest) => BackupSetVerifier.IsIntact(path, manifest) && (manifest.Encryption is null ? secret is null : secret is not null && OpensWith(path, manifest.Encryption, secret)));
        return parent is null
            ? (null, $"there is no intact plain hot {(request.Type == BackupType.Differential ? "full " : "")}set of this cluster {(secret is null ? "in the clear" : "encrypted with " + secret.Source)} in '{Path.GetFullPath(request.DestinationPath)}' to build on")
            : (parent, null);
    }

    private static bool OpensWith(string path, ManifestEncryption encryption, EncryptionSecret secret)
    {
        try
        {
            secret.MasterKey(encryption, path);
            return true;
        }
        catch (BackupException ex) when (ex.Error == Errors.EncryptionKeyWrong)
        {
            return false;
        }
    }
}
