using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Restore-BackupSet: verifies the set (a set that fails Test-BackupSet, is incomplete or is marked
/// Failed is never restored), then hands it to its engine's restore. A plain PostgreSQL set in the clear
/// has its files checked by the restore as it reads them (<see cref="VerifiesAsItReads"/>), every other
/// set is tested whole first.
/// </summary>
internal static class BackupSetRestorer
{
    public static async Task<RestoreResult> RestoreAsync(RestoreBackupSetRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        string setPath = Path.GetFullPath(request.Path);
        progress?.Report(new OperationProgress("Restore-BackupSet", "Verifying the set", setPath));
        var secret = EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile);
        var listed = ReadableManifest(setPath);
        if (listed is { Encryption: not null })
        {
            // A missing or wrong key is said before the set is read.
            SetContent.Open(setPath, listed, secret);
        }

        bool verifiesAsItReads = VerifiesAsItReads(listed);
        var test = verifiesAsItReads
            ? await QuickTestAsync(setPath, cancellationToken)
            : await BackupSetVerifier.TestAsync(setPath, request.ThrottleLimit, progress, cancellationToken, secret);
        if (!test.Passed)
        {
            var first = test.Problems[0];
            var error = test.Status switch
            {
                BackupSetStatus.Incomplete => Errors.BackupSetIncomplete,
                BackupSetStatus.Failed => Errors.BackupSetMarkedFailed,
                _ => Errors.BackupSetVerificationFailed,
            };
            throw new BackupException(error, $"The set '{setPath}' does not pass verification, so it is not restored: {first} ({test.Problems.Count} problem(s)).", setPath);
        }

        var manifest = ManifestStore.Read(setPath);
        if (manifest.Kind == BackupKind.Logical)
        {
            throw new BackupException(Errors.ImportSetNotLogical, $"'{setPath}' is an export (a logical set): put it back with Import-Database.", setPath);
        }

        var restored = manifest.Files.Where(f => !f.Path.StartsWith("pages/", StringComparison.Ordinal)).ToList();
        var restoring = new RestoreProgress(progress, restored.Count + manifest.PageDeltas.Count, restored.Sum(f => f.Size) + manifest.PageDeltas.Sum(d => d.Size));
        restoring.Status("Restoring files");
        return manifest.Engine switch
        {
            DatabaseEngine.PostgreSql => await PostgreSqlRestore.RestoreAsync(setPath, manifest, request, new SetContents(secret), restoring, cancellationToken, filesVerified: !verifiesAsItReads),
            DatabaseEngine.Sqlite => await SqliteRestore.RestoreAsync(setPath, manifest, request, cancellationToken),
            _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"Restoring {manifest.Engine} sets is not available in this version.", setPath),
        };
    }

    /// <summary>
    /// A plain PostgreSQL set in the clear is not hashed whole before it is restored: the restore checks each
    /// file it reads before it uses it (PostgreSqlRestore: a -Delta over a copy hashes the files it will write
    /// before it writes anything; a restore into an empty folder hashes each file as it copies it and removes
    /// what it wrote when one differs). The rest of the set is checked here without reading it (manifest,
    /// status, chain, sizes, WAL range). An encrypted set is opened and authenticated whole first.
    /// </summary>
    private static bool VerifiesAsItReads(BackupSetManifest? manifest) =>
        manifest is { Engine: DatabaseEngine.PostgreSql, Kind: BackupKind.Hot or BackupKind.Cold, Archives.Count: 0, Encryption: null };

    /// <summary>The set's manifest when it has one that reads; null otherwise (the verification then says what is wrong).</summary>
    private static BackupSetManifest? ReadableManifest(string setPath)
    {
        if (!ManifestStore.Exists(setPath))
        {
            return null;
        }

        try
        {
            return ManifestStore.Read(setPath);
        }
        catch (BackupException)
        {
            return null;
        }
    }

    /// <summary>What Test-BackupSet checks but the hashes: status, the chain, every file there with its size, the WAL range whole.</summary>
    private static async Task<TestBackupSetResult> QuickTestAsync(string setPath, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var manifest = ManifestStore.Read(setPath);
        var problems = new List<ItemProblem>();
        if (manifest.Status != BackupSetStatus.Complete)
        {
            problems.Add(new ItemProblem(setPath, Errors.BackupSetMarkedFailed, $"the set is marked failed: {manifest.BlockChecks.Corrupt} corrupt block(s) were found on the source"));
        }
        else if (!BackupChain.IsIntact(setPath, manifest, BackupSetVerifier.IsIntact))
        {
            // The full test names what is wrong; it reads the whole chain, which only happens for a set that is damaged.
            return await BackupSetVerifier.TestAsync(setPath, null, null, cancellationToken);
        }

        return new TestBackupSetResult(setPath, manifest.SetId, manifest.Status, problems.Count == 0, 0, 0, null, clock.Elapsed, problems);
    }
}
