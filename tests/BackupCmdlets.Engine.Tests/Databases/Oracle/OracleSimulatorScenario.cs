using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>A temp folder with a simulated database in it and a repository beside it; runs the provider through the database runner.</summary>
internal sealed class OracleSimulatorScenario : IDisposable
{
    private readonly TempDirectory _temp;

    public OracleSimulatorScenario(string prefix)
    {
        _temp = new TempDirectory(prefix);
        Database = new SimulatedOracleDatabase(_temp.Combine("db"));
        Repository = _temp.CreateDirectory("repository");
    }

    public SimulatedOracleDatabase Database { get; }

    public string Repository { get; set; }

    public TempDirectory Temp => _temp;

    public StartBackupRequest Request() => new(DatabaseEngine.Oracle, Database.ConnectionString, Repository) { ThrottleLimit = 2 };

    public async Task<BackupSet> HotAsync(StartBackupRequest request, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var provider = new OracleProvider(request, SimulatedOracleFactory.Instance);
        return await DatabaseBackupRunner.RunAsync(provider, BackupKind.Hot, request, progress, cancellationToken);
    }

    public async Task<BackupSet> ColdAsync(StartBackupRequest request, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var provider = new OracleProvider(request, SimulatedOracleFactory.Instance);
        return await DatabaseBackupRunner.RunAsync(provider, BackupKind.Cold, request, progress, cancellationToken);
    }

    /// <summary>The set folders in the repository (complete or not), ignoring hidden temporaries.</summary>
    public IReadOnlyList<string> SetFolders() => [.. Directory.GetDirectories(Repository)];

    public void Dispose()
    {
        Database.Dispose();
        _temp.Dispose();
    }
}
