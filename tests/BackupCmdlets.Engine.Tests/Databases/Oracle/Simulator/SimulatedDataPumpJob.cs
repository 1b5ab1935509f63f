namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// A Data Pump export job the simulator ran: what it was asked for (mode, schema filter, FLASHBACK_SCN,
/// degree), the SCN when it started, how it ended, and each dump file it wrote with its content.
/// </summary>
public sealed record SimulatedDataPumpJob(
    string Name,
    string Mode,
    string? SchemaExpression,
    long FlashbackScn,
    long ScnAtStart,
    int Degree,
    string Folder,
    IReadOnlyDictionary<string, byte[]> DumpFiles,
    string LogFile)
{
    /// <summary>COMPLETED or STOPPED, once WAIT_FOR_JOB returned.</summary>
    public string State { get; internal set; } = "EXECUTING";

    /// <summary>STOP_JOB was called for it from another session.</summary>
    public bool StopRequested { get; internal set; }
}
