namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// The simulator's stand-in for ODP.NET's OracleDatabase class (test code only), with the same
/// constructor and Startup/Shutdown signatures: it needs DBA Privilege=SYSDBA in the connection string.
/// </summary>
public class OracleDatabase : IDisposable
{
    private readonly SimulatedOracleDatabase _database;

    public OracleDatabase(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("DBA Privilege", out object? privilege) || !string.Equals(privilege as string, "SYSDBA", StringComparison.OrdinalIgnoreCase))
        {
            throw new SimulatedOracleException(1031, "insufficient privileges");
        }

        _database = SimulatedOracleDatabase.Find(connectionString);
    }

    public void Shutdown(OracleDBShutdownMode shutdownMode, bool bCloseDismountAndFinalize) => _database.Shutdown(shutdownMode, bCloseDismountAndFinalize);

    public void Startup() => _database.Startup();

    public void Dispose()
    {
    }
}
