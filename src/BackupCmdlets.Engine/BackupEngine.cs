using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Snapshots;
using BackupCmdlets.Engine.Syncing;

namespace BackupCmdlets.Engine;

/// <summary>
/// The engine's public surface: one entry point per cmdlet, named after it, taking the cmdlet's
/// request and answering its result, after the request's Validate() (the ranges its parameters
/// declare). The PowerShell module and the CLI call these and nothing else; ARCHITECTURE.md maps each
/// to the code behind it.
/// </summary>
public static class BackupEngine
{
    public static Task<ArchiveResult> NewTarArchiveAsync(CreateArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        if (!request.Snapshot)
        {
            return ArchiveWriter.CreateAsync(request, progress, cancellationToken);
        }

        return SnapshotSet.RunAsync(
            request.Paths,
            // Each snapshot is a device of its own (btrfs numbers them anew): an incremental run must not take that for new folders.
            snapshots => ArchiveWriter.CreateAsync(request with { ReadFrom = snapshots.ReadPath, SkipPaths = snapshots.OtherSnapshots, NoCheckDevice = true }, progress, cancellationToken),
            (result, snapshots, problems) => result with { Snapshots = snapshots.Snapshots, Problems = [.. result.Problems, .. problems] });
    }

    public static Task<ArchiveListing> GetTarArchiveItemAsync(ListArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        ArchiveReader.ListAsync(request, progress, cancellationToken);

    public static Task<ArchiveTestResult> TestArchiveAsync(TestArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return ArchiveTester.TestAsync(request, progress, cancellationToken);
    }

    public static Task<ExpandArchiveResult> ExpandTarArchiveAsync(ExpandArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return ArchiveExtractor.ExpandAsync(request, progress, cancellationToken);
    }

    public static Task<SyncResult> InvokeDeltaSyncAsync(SyncRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        // A dry run (-WhatIf) takes no snapshot: it creates nothing, also not on the source's volume.
        if (!request.Snapshot || request.DryRun)
        {
            return DeltaSync.RunAsync(request, progress, cancellationToken);
        }

        return SnapshotSet.RunAsync(
            [request.SourcePath],
            snapshots =>
            {
                // Other runs' btrfs snapshots show as empty folders in this one; never mirror them.
                string source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.SourcePath));
                var others = snapshots.OtherSnapshots.Where(p => Path.GetDirectoryName(p) == source).Select(p => $"/{Path.GetFileName(p)}/");
                return DeltaSync.RunAsync(request with { ReadSourceFrom = snapshots.ReadPath(request.SourcePath), Exclude = [.. request.Exclude, .. others] }, progress, cancellationToken);
            },
            (result, snapshots, problems) => result with { Snapshots = snapshots.Snapshots, Problems = [.. result.Problems, .. problems] });
    }

    public static Task<BackupSet> StartHotBackupAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return DatabaseBackup.StartHotAsync(request, progress, cancellationToken);
    }

    public static Task<BackupSet> ExportDatabaseAsync(ExportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return DatabaseExport.ExportAsync(request, progress, cancellationToken);
    }

    public static Task<ImportResult> ImportDatabaseAsync(ImportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return DatabaseImport.ImportAsync(request, progress, cancellationToken);
    }

    public static Task<BackupSet> StartColdBackupAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return DatabaseBackup.StartColdAsync(request, progress, cancellationToken);
    }

    public static IReadOnlyList<BackupSet> GetBackupSet(GetBackupSetRequest request)
    {
        request.Validate();
        return BackupRepository.List(request);
    }

    public static async Task<TestBackupSetResult> TestBackupSetAsync(TestBackupSetRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        var verdict = await BackupSetVerifier.TestAsync(request.Path, request.ThrottleLimit, progress, cancellationToken, EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile));
        return request.Restore ? await RestoreTrial.RunAsync(request, verdict, progress, cancellationToken) : verdict;
    }

    public static Task<RestoreResult> RestoreBackupSetAsync(RestoreBackupSetRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return BackupSetRestorer.RestoreAsync(request, progress, cancellationToken);
    }

    /// <summary>Applies a retention policy to a repository: removes the sets no rule keeps and answers them.</summary>
    public static IReadOnlyList<BackupSet> RemoveBackupSet(RemoveBackupSetRequest request)
    {
        request.Validate();
        return BackupRetention.Remove(request, BackupSetVerifier.IsIntact);
    }

    /// <summary>The sets <see cref="RemoveBackupSet(RemoveBackupSetRequest)"/> would remove, removing nothing (-WhatIf).</summary>
    public static IReadOnlyList<BackupSet> PlanBackupSetRemoval(RemoveBackupSetRequest request)
    {
        request.Validate();
        return BackupRetention.Plan(request, BackupSetVerifier.IsIntact);
    }

    /// <summary>Removes one set (one piped in), whatever the retention rules say.</summary>
    public static BackupSet RemoveBackupSet(string setPath) =>
        BackupRetention.RemoveSet(setPath);

    /// <summary>PostgreSQL's archive_command: stores one WAL file into the WAL archive (never over other content).</summary>
    public static Task<WalSegmentResult> BackupWalSegmentAsync(BackupWalSegmentRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        return Task.Run(() => WalArchivePush.Push(request, cancellationToken), cancellationToken);
    }

    /// <summary>PostgreSQL's restore_command: fetches one WAL file from the WAL archive, checked.</summary>
    public static Task<WalSegmentResult> RestoreWalSegmentAsync(RestoreWalSegmentRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        return Task.Run(() => WalArchiveFetch.Fetch(request, cancellationToken), cancellationToken);
    }

    public static Task<DatafileBlockResult> TestDatafileBlockAsync(TestDatafileBlockRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        return DatafileBlockTester.TestAsync(request, progress, cancellationToken);
    }

    /// <summary>The database a connection string names, for messages and -WhatIf: never the password or other keywords.</summary>
    public static string DescribeDatabase(DatabaseEngine engine, string connectionString) =>
        DatabaseBackup.DescribeConnection(engine, connectionString);

    /// <summary>A word as sh quotes it, whatever it holds (for the command lines a restore writes into the server's settings).</summary>
    public static string ShellQuote(string word) =>
        RecoverySettings.ShellQuote(word);

    /// <summary>A file name fit to print: bytes that are not UTF-8 (kept as lone surrogates) as \xNN.</summary>
    public static string PrintableFileName(string name) =>
        FileNameEncoding.Escape(name);
}
