using System.Data.Common;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// The simulator's stand-in for ODP.NET's OracleClientFactory (test code only): connections whose
/// Data Source names a <see cref="SimulatedOracleDatabase"/>. Like ODP.NET, it offers a static Instance
/// and an <see cref="OracleDatabase"/> class beside it in the same namespace for SYSDBA startup/shutdown.
/// </summary>
public class SimulatedOracleFactory : DbProviderFactory
{
    public static readonly SimulatedOracleFactory Instance = new();

    public override DbConnection CreateConnection() => new SimulatedOracleConnection();

    public override DbCommand CreateCommand() => new SimulatedOracleCommand();

    public override DbParameter CreateParameter() => new SimulatedOracleParameter();
}
