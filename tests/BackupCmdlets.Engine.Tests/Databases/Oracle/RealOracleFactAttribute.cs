namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>
/// A test against a real Oracle database: runs when BACKUPCMDLETS_ORACLE holds a connection string (and
/// ODP.NET is found through BACKUPCMDLETS_ORACLE_DRIVER or beside the engine); otherwise it is reported as
/// skipped with the reason. Tests that shut the database down also need BACKUPCMDLETS_ORACLE_ALLOW_SHUTDOWN=1.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealOracleFactAttribute : FactAttribute
{
    public const string ConnectionVariable = "BACKUPCMDLETS_ORACLE";
    public const string ShutdownVariable = "BACKUPCMDLETS_ORACLE_ALLOW_SHUTDOWN";

    public RealOracleFactAttribute(bool shutsDown = false)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionVariable)))
        {
            Skip = $"{ConnectionVariable} is not set: no real Oracle database to run against (no Oracle server can run here). "
                + $"Set it to the connection string of a user with SYSDBA on the database host, and BACKUPCMDLETS_ORACLE_DRIVER to Oracle.ManagedDataAccess.dll; "
                + "the simulator variants of these tests always run.";
        }
        else if (shutsDown && Environment.GetEnvironmentVariable(ShutdownVariable) != "1")
        {
            Skip = $"This test shuts the database named by {ConnectionVariable} down and starts it again: set {ShutdownVariable}=1 to allow it.";
        }
    }
}
