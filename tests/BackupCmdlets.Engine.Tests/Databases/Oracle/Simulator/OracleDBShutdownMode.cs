namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>The shutdown modes of ODP.NET's OracleDBShutdownMode, for the simulator's <see cref="OracleDatabase"/>.</summary>
public enum OracleDBShutdownMode
{
    Default,
    Transactional,
    TransactionalLocal,
    Immediate,
    Final,
    Abort,
}
