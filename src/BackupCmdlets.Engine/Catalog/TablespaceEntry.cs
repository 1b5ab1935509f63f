namespace BackupCmdlets.Engine.Catalog;

/// <summary>A tablespace stored in the set: its id and name, where it was, and where its files are in the set.</summary>
internal sealed record TablespaceEntry(string Id, string Name, string Location, string SetPath);
