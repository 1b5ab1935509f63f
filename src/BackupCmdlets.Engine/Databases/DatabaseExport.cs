using System.Diagnostics;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Export-Database: the engine's <see cref="IExportProvider"/> writes a logical set into the repository
/// as every set is written: a new set folder with its in-progress marker, the files listed with their
/// SHA-256 through the <see cref="BackupSetWriter"/>, the manifest last. A failed or cancelled export
/// leaves no set behind: a partial dump cannot be imported.
/// </summary>
internal static class DatabaseExport
{
    private const string Activity = "Export-Database";

    public static Task<BackupSet> ExportAsync(ExportDatabaseRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        ExportAsync(request, DatabaseProviders.CreateExporter(request), progress, cancellationToken);

    /// <summary>The export through the given provider, which it disposes of.</summary>
    public static async Task<BackupSet> ExportAsync(ExportDatabaseRequest request, IExportProvider exporter, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        await using var provider = exporter;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        progress?.Report(new OperationProgress(Activity, "Connecting"));
        var database = await provider.OpenAsync(cancellationToken);
        using var setFolder = BackupSetFolder.Create(request.DestinationPath, database.Engine, BackupKind.Logical, started);

        // The writer takes a backup's request for how it copies; an export copies nothing through it, it only lists what the engine wrote.
        var writerRequest = new StartBackupRequest(request.Engine, request.ConnectionString, request.DestinationPath) { ThrottleLimit = request.ThrottleLimit };
        var set = new BackupSetWriter(setFolder.Path, writerRequest, BackupKind.Logical, Activity, progress, key: null);
        ManifestExport export;
        try
        {
            export = await provider.ExportAsync(set, cancellationToken);
        }
        catch
        {
            Directory.Delete(set.Folder, recursive: true);
            throw;
        }

        var manifest = new BackupSetManifest
        {
            SetId = setFolder.SetId,
            Engine = database.Engine,
            Kind = BackupKind.Logical,
            Status = BackupSetStatus.Complete,
            Label = request.Label,
            Database = database,
            StartTime = started,
            StopTime = set.TakenAt ?? started + clock.Elapsed,
            StartPosition = provider.Position,
            Directories = set.Directories,
            Files = set.Files,
            BlockChecks = set.BlockChecks(database.BlockSize),
            Export = export,
        };
        ManifestStore.Write(set.Folder, manifest);
        return BackupSetDescription.FromManifest(set.Folder, manifest);
    }
}
