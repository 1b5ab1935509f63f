using System.Diagnostics;
using System.Globalization;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Restores a PostgreSQL set into a new data directory: the files, each tablespace at its (possibly
/// remapped) location with its pg_tblspc link and a matching tablespace_map, and for a hot set
/// recovery.signal plus a restore_command that reads the set's WAL, then the WAL archive (so a
/// recovery target may lie after the set). Before anything is written it refuses a destination or a
/// tablespace location a running server owns (-Force never overrides that), a tablespace location
/// left unmapped that already holds files (the source's own, as a rule), and a recovery target the
/// WAL at hand cannot reach. Its settings go into one marked block of postgresql.auto.conf, which
/// also turns archiving off (or redirects it) unless asked to keep it. Every file and folder written
/// reaches the disk before it returns.
/// </summary>
internal static class PostgreSqlRestore
{
    /// <param name="contents">Opens the set and its chain (with the key of an encrypted set).</param>
    /// <param name="filesVerified">
    /// The caller hashed every file of the set (and its chain). False for a plain set in the clear: a -Delta over a copy
    /// hashes the files it reads before it writes anything; a restore into an empty folder hashes what it does not copy
    /// (page files, the WAL) first and every other file as it copies it, and removes what it wrote when one differs.
    /// </param>
    public static async Task<RestoreResult> RestoreAsync(string setPath, BackupSetManifest manifest, RestoreBackupSetRequest request, SetContents contents, RestoreProgress progress, CancellationToken cancellationToken, bool filesVerified = true)
    {
        var set = contents.Of(setPath, manifest);
        var clock = Stopwatch.StartNew();
        string destination = Path.GetFullPath(request.DestinationPath);
        var locations = manifest.Tablespaces.ToDictionary(t => t.Id, t => Path.GetFullPath(MappedLocation(t, request.TablespaceMapping) ?? t.Location));
        var (targetSetting, targetLsn, targetTime) = RecoveryTarget(request);
        bool hot = manifest.Kind == BackupKind.Hot;
        if (targetSetting is not null && !hot)
        {
            throw new BackupException(Errors.InvalidRecoveryTarget, "A cold set holds no WAL to replay: a recovery target applies to hot sets only.", setPath);
        }

        string? archiveOut = ArchiveFolder(request);
        EnsureNobodyOwns(destination, manifest, locations, request);
        string? walArchive = request.WalArchivePath is { } given ? Path.GetFullPath(given) : manifest.RedoArchive;
        if (walArchive is not null && !Directory.Exists(walArchive))
        {
            walArchive = request.WalArchivePath is null ? null : throw new BackupException(Errors.WalArchiveNotFound, $"The WAL archive '{walArchive}' does not exist.", walArchive);
        }

        var (archiveKeyFile, archiveKey) = hot && !request.RecoverToConsistency && walArchive is not null ? ArchiveKey(walArchive, request) : (null, null);
        if (hot && (targetLsn is not null || targetTime is not null))
        {
            RecoveryReach.Check(set, walArchive, targetLsn, targetTime, archiveKey);
        }

        int throttle = Math.Max(1, request.ThrottleLimit ?? Environment.ProcessorCount);
        var chain = BackupChain.Resolve(setPath, manifest);
        long files, bytes, unchanged = 0, removed = 0;
        if (request.Delta && manifest.Archives.Count == 0 && HoldsFiles(destination))
        {
            (files, bytes, unchanged, removed) = await RestoreDeltaAsync(chain, contents, destination, locations, throttle, progress, filesVerified, cancellationToken);
        }
        else
        {
            if (request.Delta && HoldsFiles(destination))
            {
                EnsureSameCluster(destination, manifest);
            }

            if (!filesVerified)
            {
                await VerifyWhatIsNotCopiedAsync(chain, throttle, progress, cancellationToken);
            }

            var existed = locations.Values.Prepend(destination).ToDictionary(folder => folder, Directory.Exists, StringComparer.Ordinal);
            RestoreTarget.PrepareEmptyFolder(destination, request.Force || request.Delta);
            foreach (string location in locations.Values)
            {
                RestoreTarget.PrepareEmptyFolder(location, request.Force || request.Delta);
            }

            try
            {
                (files, bytes) = await RestoreTarget.RestoreFolderAsync(set, "data", destination, throttle, progress, cancellationToken, verify: !filesVerified);
                var (rebuilt, rebuiltBytes, _) = await PageChainRestore.RebuildAsync(chain, contents, "data", destination, throttle, progress, cancellationToken, verify: !filesVerified);
                (files, bytes) = (files + rebuilt, bytes + rebuiltBytes);
                foreach (var tablespace in manifest.Tablespaces)
                {
                    var (tsFiles, tsBytes) = await RestoreTarget.RestoreFolderAsync(set, tablespace.SetPath, locations[tablespace.Id], throttle, progress, cancellationToken, verify: !filesVerified);
                    var (tsRebuilt, tsRebuiltBytes, _) = await PageChainRestore.RebuildAsync(chain, contents, tablespace.SetPath, locations[tablespace.Id], throttle, progress, cancellationToken, verify: !filesVerified);
                    files += tsFiles + tsRebuilt;
                    bytes += tsBytes + tsRebuiltBytes;
                }
            }
            catch (BackupException ex) when (ex.Error == Errors.BackupSetVerificationFailed && !filesVerified)
            {
                // Everything in these folders is this restore's: they were empty (or emptied by -Force) before it.
                foreach (var (folder, wasThere) in existed)
                {
                    RestoreTarget.RemoveRestored(folder, keepFolder: wasThere);
                }

                throw;
            }
        }

        string links = Path.Combine(destination, "pg_tblspc");
        Directory.CreateDirectory(links);
        foreach (var tablespace in manifest.Tablespaces)
        {
            File.CreateSymbolicLink(Path.Combine(links, tablespace.Id), locations[tablespace.Id]);
        }

        var settings = new List<(string Name, string Value)>();
        if (hot)
        {
            if (RedoGoesToPgWal(manifest))
            {
                var (walFiles, walBytes) = await DecompressWalAsync(set, destination, progress, cancellationToken);
                files += walFiles;
                bytes += walBytes;
            }

            if (manifest.Tablespaces.Count > 0)
            {
                WriteOwned(Path.Combine(destination, "tablespace_map"), string.Concat(manifest.Tablespaces.Select(t => $"{t.Id} {locations[t.Id]}\n")), manifest);
            }

            WriteOwned(Path.Combine(destination, "recovery.signal"), "", manifest);
            // A trial recovers only to where the set becomes consistent, which its own WAL reaches; it
            // has no front to name the CLI that an archive of Backup-WalSegment needs.
            settings.Add(("restore_command", RestoreCommand(setPath, manifest, request.RecoverToConsistency ? null : walArchive, archiveKeyFile, request.WalFetchCommand)));
            if (targetSetting is { } recoveryTarget)
            {
                settings.Add(recoveryTarget);
                settings.Add(("recovery_target_action", "promote"));
            }
        }

        string archiving = request.ArchiveMode switch
        {
            RestoreArchiveMode.Keep => "kept",
            RestoreArchiveMode.Redirect => $"into {archiveOut}",
            _ => "off",
        };
        if (request.ArchiveMode == RestoreArchiveMode.Off)
        {
            settings.Add(("archive_mode", "off"));
        }
        else if (request.ArchiveMode == RestoreArchiveMode.Redirect)
        {
            settings.Add(("archive_mode", "on"));
            string into = RecoverySettings.ShellQuote(archiveOut + "/%f");
            settings.Add(("archive_command", $"test ! -f {into} && cp %p {into}"));
            settings.Add(("archive_library", ""));
        }

        string autoConf = Path.Combine(destination, "postgresql.auto.conf");
        RecoverySettings.Write(autoConf, settings, replacesArchiving: request.ArchiveMode != RestoreArchiveMode.Keep);
        UnixFileSystem.SetPermissions(autoConf, 0x180);
        RestoreTarget.Own(autoConf, manifest);
        UnixFileSystem.SetPermissions(destination, 0x1C0);
        RestoreTarget.Own(destination, manifest);

        progress.Status("Flushing every restored file to disk");
        RestoreTarget.FlushTree(destination);
        foreach (string location in locations.Values)
        {
            RestoreTarget.FlushTree(location);
        }

        string? target = targetSetting is { } t ? $"{t.Name} = {RecoverySettings.Quote(t.Value)}" : null;
        return new RestoreResult(setPath, manifest.SetId, manifest.Engine, manifest.Kind, destination, files, bytes, hot, target, clock.Elapsed)
        {
            TablespaceLocations = [.. locations.Values],
            Archiving = archiving,
            WalArchive = hot ? walArchive : null,
            FilesUnchanged = unchanged,
            EntriesRemoved = removed,
        };
    }

    /// <summary>
    /// -Delta over a copy of the cluster: works out which files differ (reading the copy only), hashes the
    /// set's files it will read to write them (and the WAL recovery reads) unless the caller hashed the whole
    /// set, and only then removes what the set does not have and writes what differs.
    /// </summary>
    private static async Task<(long Files, long Bytes, long Unchanged, long Removed)> RestoreDeltaAsync(
        IReadOnlyList<BackupChain.ChainedSet> chain, SetContents contents, string destination, IReadOnlyDictionary<string, string> locations, int throttle, RestoreProgress progress, bool filesVerified, CancellationToken cancellationToken)
    {
        var (setPath, manifest) = (chain[^1].Path, chain[^1].Manifest);
        var set = contents.Of(setPath, manifest);
        EnsureSameCluster(destination, manifest);
        progress.Status("Comparing the copy with the set");
        var folders = new List<(string SetPrefix, string Target)> { ("data", destination) };
        folders.AddRange(manifest.Tablespaces.Select(t => (t.SetPath, locations[t.Id])));
        var plans = new List<(string SetPrefix, string Target, IReadOnlySet<string> Whole, IReadOnlySet<string> Pages)>();
        foreach (var (prefix, target) in folders)
        {
            plans.Add((prefix, target, await RestoreTarget.DifferingAsync(set, prefix, target, throttle, cancellationToken), await PageChainRestore.DifferingAsync(set, prefix, target, throttle, cancellationToken)));
        }

        if (!filesVerified)
        {
            progress.Status("Verifying the set's files the restore reads");
            var byPath = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            var reads = plans.SelectMany(p => p.Whole).Select(path => (setPath, byPath[path]))
                .Concat(manifest.RedoFiles.Select(path => (setPath, byPath[path])))
                .Concat(PageChainRestore.Inputs(chain, plans.SelectMany(p => p.Pages)))
                .ToList();
            await EnsureUndamagedAsync(setPath, reads, throttle, cancellationToken);
        }

        long files = 0, bytes = 0, unchanged = 0, removed = 0;
        foreach (var (prefix, target, whole, pages) in plans)
        {
            Directory.CreateDirectory(target);
            removed += DeltaTarget.Prune(target, manifest, prefix, cancellationToken);
            var (copied, copiedBytes, kept) = await RestoreTarget.CopyTreeAsync(set, prefix, target, throttle, progress, cancellationToken, whole);
            var (rebuilt, rebuiltBytes, keptPages) = await PageChainRestore.RebuildAsync(chain, contents, prefix, target, throttle, progress, cancellationToken, pages);
            (files, bytes, unchanged) = (files + copied + rebuilt, bytes + copiedBytes + rebuiltBytes, unchanged + kept + keptPages);
        }

        return (files, bytes, unchanged, removed);
    }

    /// <summary>
    /// Before a restore into an empty folder that hashes each file as it copies it: the files it does not copy
    /// whole in one read are hashed first (the chain's page files, read at their offsets, and the WAL, which
    /// recovery reads), so that a damaged one stops it before anything is written.
    /// </summary>
    private static async Task VerifyWhatIsNotCopiedAsync(IReadOnlyList<BackupChain.ChainedSet> chain, int throttle, RestoreProgress progress, CancellationToken cancellationToken)
    {
        var (setPath, manifest) = (chain[^1].Path, chain[^1].Manifest);
        progress.Status("Verifying the set's page files and WAL");
        var reads = manifest.Files.Where(f => !IsCopiedWhole(f.Path)).Select(f => (setPath, f))
            .Concat(PageChainRestore.Inputs(chain, manifest.PageDeltas.Select(d => d.Path)).Where(input => !IsCopiedWhole(input.File.Path)))
            .Distinct()
            .ToList();
        await EnsureUndamagedAsync(setPath, reads, throttle, cancellationToken);

        static bool IsCopiedWhole(string path) => path.StartsWith("data/", StringComparison.Ordinal) || path.StartsWith("tablespaces/", StringComparison.Ordinal);
    }

    /// <summary>Hashes the set files a restore reads before it writes anything; the first that is missing or differs stops it.</summary>
    private static async Task EnsureUndamagedAsync(string setPath, IReadOnlyList<(string SetPath, ManifestFile File)> reads, int throttle, CancellationToken cancellationToken)
    {
        if ((await BackupSetVerifier.DamagedAsync(reads, throttle, cancellationToken)) is { Count: > 0 } damaged)
        {
            throw new BackupException(
                Errors.BackupSetVerificationFailed,
                $"The set '{setPath}' does not pass verification, so nothing was restored: {damaged[0]} ({damaged.Count} problem(s) among the files the restore reads).",
                setPath);
        }
    }

    private static bool HoldsFiles(string folder) => Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();

    /// <summary>-Delta over a folder that is not a copy of the set's cluster (its pg_control names another system identifier, or it has none) would replace a different database: refused.</summary>
    private static void EnsureSameCluster(string destination, BackupSetManifest manifest)
    {
        string control = Path.Combine(destination, "global", "pg_control");
        string? identity = null;
        if (File.Exists(control))
        {
            using var file = File.OpenRead(control);
            Span<byte> head = stackalloc byte[8];
            identity = file.Read(head) == head.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head).ToString(CultureInfo.InvariantCulture) : null;
        }

        if (identity != manifest.Database.Identity)
        {
            throw new BackupException(
                Errors.RestoreDeltaOtherCluster,
                identity is null
                    ? $"'{destination}' holds files but no PostgreSQL control file: {ParameterNames.Of(nameof(RestoreBackupSetRequest.Delta))} restores over a copy of the set's own cluster only. Choose an empty folder, or {ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} without {ParameterNames.Of(nameof(RestoreBackupSetRequest.Delta))} to replace its contents."
                    : $"'{destination}' is a copy of another cluster (system identifier {identity}; the set's is {manifest.Database.Identity}): {ParameterNames.Of(nameof(RestoreBackupSetRequest.Delta))} restores over a copy of the set's own cluster only. Use {ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} without {ParameterNames.Of(nameof(RestoreBackupSetRequest.Delta))} to replace it.",
                destination);
        }
    }

    /// <summary>
    /// Refuses, before anything is written, a destination or tablespace location that a running
    /// server owns, and (but with -Delta) an unmapped tablespace location that already holds files.
    /// </summary>
    private static void EnsureNobodyOwns(string destination, BackupSetManifest manifest, IReadOnlyDictionary<string, string> locations, RestoreBackupSetRequest request)
    {
        if (RunningServers.PostmasterOf(destination) is { } pid)
        {
            throw new BackupException(
                Errors.RestoreServerRunning,
                $"A PostgreSQL server (pid {pid}) is running on '{destination}': stop it before restoring over it ({ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} does not override this).",
                destination);
        }

        foreach (var tablespace in manifest.Tablespaces)
        {
            // -Delta brings a stopped copy (a lost server's own tablespaces included) back to the set: that is what it is for.
            if (!request.Delta && MappedLocation(tablespace, request.TablespaceMapping) is null
                && Directory.Exists(tablespace.Location) && Directory.EnumerateFileSystemEntries(tablespace.Location).Any())
            {
                throw new BackupException(
                    Errors.TablespaceMappingRequired,
                    $"The tablespace '{tablespace.Name}' would go back to '{tablespace.Location}', which holds files already (as a rule, the source server's own): give it a location of its own with {ParameterNames.Of(nameof(RestoreBackupSetRequest.TablespaceMapping))} ('{tablespace.Name}' to a new folder; {ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} does not override this).",
                    tablespace.Location);
            }
        }

        var owned = RunningServers.OwnedLocations();
        foreach (string target in locations.Values.Prepend(destination))
        {
            string real = RunningServers.RealPath(target);
            if (owned.FirstOrDefault(o => RunningServers.Overlap(o, real)) is { } live)
            {
                throw new BackupException(
                    Errors.RestoreTargetInUse,
                    $"'{target}' is (or holds, or lies in) '{live}', which a running PostgreSQL server uses: a restore never writes there ({ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))} does not override this).",
                    target);
            }
        }
    }

    private static string? ArchiveFolder(RestoreBackupSetRequest request)
    {
        if (request.ArchiveMode != RestoreArchiveMode.Redirect)
        {
            return null;
        }

        string folder = request.ArchivePath is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : throw new BackupException(Errors.ArchivePathRequired, $"{ParameterNames.Of(nameof(RestoreBackupSetRequest.ArchiveMode))} Redirect needs the folder to archive into: give {ParameterNames.Of(nameof(RestoreBackupSetRequest.ArchivePath))}.");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// The WAL of a zstd set, or of an encrypted set, goes into the restored pg_wal (decompressed or
    /// decrypted) rather than through restore_command: the server host need not have the zstd tool a
    /// restore_command would call (gzip, which gzip sets call, every host has), nor the key.
    /// </summary>
    private static bool RedoGoesToPgWal(BackupSetManifest manifest) =>
        StoredRedo.Of(manifest) == ArchiveCompression.Zstd || manifest.Encryption is not null;

    /// <summary>Puts the set's WAL into the restored pg_wal (<see cref="RedoGoesToPgWal"/>). Recovery reads a segment from pg_wal when restore_command does not bring it.</summary>
    private static async Task<(long Files, long Bytes)> DecompressWalAsync(SetContent set, string destination, RestoreProgress progress, CancellationToken cancellationToken)
    {
        var manifest = set.Manifest;
        progress.Status("Decompressing the set's WAL into pg_wal");
        string walFolder = Path.Combine(destination, "pg_wal");
        // Marked archived, as pg_basebackup marks the WAL it puts there: the source archived them already.
        string statusFolder = Path.Combine(walFolder, "archive_status");
        Directory.CreateDirectory(statusFolder);
        RestoreTarget.Own(walFolder, manifest);
        RestoreTarget.Own(statusFolder, manifest);
        long files = 0, bytes = 0;
        foreach (string redoFile in manifest.RedoFiles)
        {
            string target = Path.Combine(walFolder, StoredRedo.Unsuffixed(Path.GetFileName(redoFile)));
            using (var writer = AtomicFileWriter.Create(target))
            {
                await using (var content = set.OpenRedo(redoFile))
                {
                    await content.CopyToAsync(writer.Stream, 1 << 20, cancellationToken);
                }

                bytes += writer.Stream.Length;
                writer.Commit(overwrite: false);
            }

            UnixFileSystem.SetPermissions(target, 0x180);
            RestoreTarget.Own(target, manifest);
            WriteOwned(Path.Combine(statusFolder, Path.GetFileName(target) + ".done"), "", manifest);
            files++;
        }

        return (files, bytes);
    }

    /// <summary>
    /// The set's own WAL first, then the archive (which goes on after the set): through Restore-WalSegment
    /// (<paramref name="fetch"/>, given <paramref name="archiveKeyFile"/> for an encrypted archive) when
    /// Backup-WalSegment fills it, else with cp.
    /// </summary>
    private static string RestoreCommand(string setPath, BackupSetManifest manifest, string? archive, string? archiveKeyFile, Func<string, string?, string>? fetch)
    {
        string? fromArchive = archive is null ? null
            : archiveKeyFile is not null || WalArchiveFormat.HoldsOurFiles(archive) ? (fetch ?? DefaultFetch)(archive, archiveKeyFile)
            : $"cp {RecoverySettings.ShellQuote(archive + "/%f")} %p";
        if (RedoGoesToPgWal(manifest))
        {
            // The set's WAL is in pg_wal already (DecompressWalAsync): the command fails for those
            // segments, so recovery reads them there, and brings the others from the archive. Recovery
            // needs a restore_command even when there is no archive: one that never finds anything.
            return fromArchive is null ? "false" : $"test ! -f pg_wal/%f && {fromArchive}";
        }

        string fromSet = manifest.RedoCompressed
            ? $"{{ test -f {RecoverySettings.ShellQuote(Path.Combine(setPath, "wal") + "/%f.gz")} && gzip -dc {RecoverySettings.ShellQuote(Path.Combine(setPath, "wal") + "/%f.gz")} > %p; }}"
            : $"cp {RecoverySettings.ShellQuote(Path.Combine(setPath, "wal") + "/%f")} %p";
        return fromArchive is null ? fromSet : $"{fromSet} 2>/dev/null || {fromArchive}";
    }

    /// <summary>
    /// The CLI on the server's PATH. Guarded: a command the shell cannot run exits above 125, which makes
    /// PostgreSQL abort recovery instead of taking the file as missing.
    /// </summary>
    private static string DefaultFetch(string archive, string? keyFile) =>
        $"{{ command -v backupcmdlets >/dev/null && backupcmdlets restore-walsegment --name %f --destination-path %p --force --archive-path {RecoverySettings.ShellQuote(archive)}{(keyFile is null ? "" : " --encryption-key-file " + RecoverySettings.ShellQuote(keyFile))}; }}";

    /// <summary>
    /// For an encrypted WAL archive that recovery reads after the set: the key file the restore_command
    /// passes to Restore-WalSegment, checked against the archive, and the archive's master key; nulls for an
    /// archive in the clear. A restore_command carries a key file only, never a passphrase (it would stand
    /// on the server's command line and in postgresql.auto.conf): without one, or for an archive encrypted
    /// with a passphrase, the restore is refused before anything is written, rather than let recovery take
    /// every archived file for missing and end, silently, where the set's own WAL ends.
    /// </summary>
    private static (string? KeyFile, byte[]? Key) ArchiveKey(string archive, RestoreBackupSetRequest request)
    {
        if (WalArchiveEncryption.Read(archive) is not { } encryption)
        {
            return (null, null);
        }

        string alone = $"To recover only to where the set becomes consistent (its own WAL, which the restore decrypts into pg_wal), name an empty folder with {ParameterNames.Of(nameof(RestoreBackupSetRequest.WalArchivePath))}.";
        if (encryption.Kdf != ManifestEncryption.KeyFileKdf)
        {
            throw new BackupException(
                Errors.EncryptionKeyRequired,
                $"The WAL archive '{archive}', which recovery reads after the set, is encrypted with a passphrase, and a restore_command cannot carry one: recovery past a set needs an archive encrypted with a key file (Backup-WalSegment {ParameterNames.Of(nameof(RestoreBackupSetRequest.EncryptionKeyFile))}). {alone}",
                archive);
        }

        if (request.EncryptionKeyFile is null)
        {
            throw new BackupException(
                Errors.EncryptionKeyRequired,
                $"The WAL archive '{archive}', which recovery reads after the set, is encrypted with a key file: give it with {ParameterNames.Of(nameof(RestoreBackupSetRequest.EncryptionKeyFile))}, and the restore_command passes it to Restore-WalSegment (a passphrase cannot be passed on). {alone}",
                archive);
        }

        string keyFile = Path.GetFullPath(request.EncryptionKeyFile);
        return (keyFile, WalArchiveEncryption.KeyToRead(archive, EncryptionSecret.From(null, keyFile), mustBeEncrypted: true));
    }

    private static string? MappedLocation(TablespaceEntry tablespace, IReadOnlyDictionary<string, string> mapping) =>
        mapping.TryGetValue(tablespace.Id, out string? byId) ? byId
        : mapping.TryGetValue(tablespace.Name, out string? byName) ? byName
        : null;

    private static ((string Name, string Value)? Setting, Lsn? Lsn, DateTimeOffset? Time) RecoveryTarget(RestoreBackupSetRequest request)
    {
        if (request.RecoverToConsistency)
        {
            return (("recovery_target", "immediate"), null, null);
        }

        if (request.RecoveryTargetTime is not null && request.RecoveryTargetLsn is not null)
        {
            throw new BackupException(Errors.InvalidRecoveryTarget, "Give a recovery target time or a recovery target LSN, not both.");
        }

        if (request.RecoveryTargetLsn is { } lsnText)
        {
            if (!Lsn.TryParse(lsnText, out var lsn))
            {
                throw new BackupException(Errors.InvalidRecoveryTarget, $"'{lsnText}' is not a PostgreSQL LSN (like 0/3000060).");
            }

            return (("recovery_target_lsn", lsn.ToString()), lsn, null);
        }

        return request.RecoveryTargetTime is { } time
            ? (("recovery_target_time", time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00"), null, time)
            : (null, null, null);
    }

    private static void WriteOwned(string path, string content, BackupSetManifest manifest)
    {
        File.WriteAllText(path, content);
        UnixFileSystem.SetPermissions(path, 0x180);
        RestoreTarget.Own(path, manifest);
    }
}
