using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Databases.PostgreSql;
using BackupCmdlets.Engine.Databases.Sqlite;

namespace BackupCmdlets.Engine.Databases;

/// <summary>Start-HotBackup and Start-ColdBackup: picks the engine's provider and runs it.</summary>
internal static class DatabaseBackup
{
    public static async Task<BackupSet> StartHotAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        switch (request.Engine)
        {
            case DatabaseEngine.PostgreSql:
                await using (var provider = new PostgreSqlProvider(request, BackupKind.Hot))
                {
                    return await DatabaseBackupRunner.RunHotAsync(provider, request, progress, cancellationToken);
                }

            case DatabaseEngine.Sqlite:
                return await SqliteBackup.RunHotAsync(request, progress, cancellationToken);
            case DatabaseEngine.Oracle:
                await using (var provider = new OracleProvider(request, OracleDriver.Load(request.OracleDriverPath)))
                {
                    return await DatabaseBackupRunner.RunHotAsync(provider, request, progress, cancellationToken);
                }

            default:
                throw NotAvailable(request.Engine);
        }
    }

    public static async Task<BackupSet> StartColdAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        switch (request.Engine)
        {
            case DatabaseEngine.PostgreSql:
                await using (var provider = new PostgreSqlProvider(request, BackupKind.Cold))
                {
                    return await DatabaseBackupRunner.RunColdAsync(provider, request, progress, cancellationToken);
                }

            case DatabaseEngine.Sqlite:
                return await SqliteBackup.RunColdAsync(request, progress, cancellationToken);
            case DatabaseEngine.Oracle:
                await using (var provider = new OracleProvider(request, OracleDriver.Load(request.OracleDriverPath)))
                {
                    return await DatabaseBackupRunner.RunColdAsync(provider, request, progress, cancellationToken);
                }

            default:
                throw NotAvailable(request.Engine);
        }
    }

    /// <summary>The database a connection string names, for messages and -WhatIf: never the password or other keywords.</summary>
    public static string DescribeConnection(DatabaseEngine engine, string connectionString)
    {
        try
        {
            return engine switch
            {
                DatabaseEngine.PostgreSql when new Npgsql.NpgsqlConnectionStringBuilder(connectionString) is var pg => $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}",
                DatabaseEngine.Sqlite => $"SQLite {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource}",
                DatabaseEngine.Oracle when new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.TryGetValue("Data Source", out object? source) => $"Oracle {source}",
                _ => engine.ToString(),
            };
        }
        catch (ArgumentException)
        {
            return engine.ToString();
        }
    }

    private static BackupException NotAvailable(DatabaseEngine engine) =>
        new(Errors.DatabaseEngineNotAvailable, $"{engine} backups are not available in this version.");
}
