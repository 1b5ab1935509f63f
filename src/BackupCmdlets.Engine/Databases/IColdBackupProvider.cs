namespace BackupCmdlets.Engine.Databases;

/// <summary>Cold backup: shut down cleanly, copy everything, start again (always).</summary>
internal interface IColdBackupProvider : IDatabaseProvider
{
    /// <summary>Refuses (with its own error id), before anything is stopped, a database that could not be started again as it runs now.</summary>
    Task EnsureColdBackupPossibleAsync(CancellationToken cancellationToken);

    /// <summary>What progress says as the database is held still and released; a shutdown unless the engine holds it otherwise.</summary>
    (string Begin, string End) ColdStatus => ("Shutting down the database", "Starting the database");

    Task ShutdownAsync(CancellationToken cancellationToken);

    /// <summary>Copies every file of the shut-down database into the set; any bad block is corruption.</summary>
    Task CopyColdAsync(BackupSetWriter set, CancellationToken cancellationToken);

    /// <summary>Starts the database again. The runner calls it in a finally, with no cancellation.</summary>
    Task StartupAsync(CancellationToken cancellationToken);
}
