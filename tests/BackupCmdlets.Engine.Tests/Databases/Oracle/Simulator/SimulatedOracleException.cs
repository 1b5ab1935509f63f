using System.Data.Common;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>An ORA- error of the simulator, as ODP.NET's OracleException carries it (Number and message).</summary>
public sealed class SimulatedOracleException(int number, string message) : DbException($"ORA-{number:D5}: {message}", number)
{
    public int Number { get; } = number;
}
