namespace BackupCmdlets.Engine.Databases;

/// <summary>A tablespace stored in the set: its id and name, where it was, and where its files are in the set.</summary>
public sealed record TablespaceEntry(string Id, string Name, string Location, string SetPath);
