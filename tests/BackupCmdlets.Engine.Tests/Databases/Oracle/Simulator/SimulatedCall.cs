namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>A statement the simulator was sent, with its bind values, the first value of its answer, and its error if it failed.</summary>
public sealed record SimulatedCall(string Statement, IReadOnlyDictionary<string, object?> Binds, object? FirstValue, string? Error);
