using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Databases;

/// <summary>The one place where an engine becomes its provider.</summary>
internal static class DatabaseProviders
{
    public static IDatabaseProvider Create(StartBackupRequest request, BackupKind kind) => request.Engine switch
    {
        DatabaseEngine.PostgreSql => new PostgreSqlProvider(request, kind),
        DatabaseEngine.Sqlite => new SqliteProvider(request),
        DatabaseEngine.Oracle => new OracleProvider(request, OracleDriver.Load(request.OracleDriverPath)),
        _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"{request.Engine} backups are not available in this version."),
    };

    public static IExportProvider CreateExporter(ExportDatabaseRequest request) => request.Engine switch
    {
        DatabaseEngine.PostgreSql => new PostgreSqlExport(request),
        DatabaseEngine.Sqlite => new SqliteExport(request),
        DatabaseEngine.Oracle => new OracleExport(request, OracleDriver.Load(request.OracleDriverPath)),
        _ => throw new BackupException(Errors.DatabaseEngineNotAvailable, $"Exports of {request.Engine} are not available in this version."),
    };
}
