using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// One engine's logical export, as <see cref="DatabaseExport"/> runs it: describe the database, then
/// write the export into the set through the <see cref="BackupSetWriter"/>, every file listed there.
/// </summary>
internal interface IExportProvider : IAsyncDisposable
{
    /// <summary>Connects and describes the database; nothing is written yet.</summary>
    Task<DatabaseDescription> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Writes the export into the set, as of one snapshot of the database, and answers what it wrote.</summary>
    Task<ManifestExport> ExportAsync(BackupSetWriter set, CancellationToken cancellationToken);

    /// <summary>After the export: the redo position it is consistent as of (Oracle: its FLASHBACK_SCN), where the engine names one.</summary>
    string? Position => null;
}
