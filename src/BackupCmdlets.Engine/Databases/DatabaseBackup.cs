using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>Start-HotBackup and Start-ColdBackup: the engine's provider, run by <see cref="DatabaseBackupRunner"/>.</summary>
internal static class DatabaseBackup
{
    public static Task<BackupSet> StartHotAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        StartAsync(request, BackupKind.Hot, progress, cancellationToken);

    public static Task<BackupSet> StartColdAsync(StartBackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        StartAsync(request, BackupKind.Cold, progress, cancellationToken);

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

    private static async Task<BackupSet> StartAsync(StartBackupRequest request, BackupKind kind, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        await using var provider = DatabaseProviders.Create(request, kind);
        return await DatabaseBackupRunner.RunAsync(provider, kind, request, progress, cancellationToken);
    }
}
