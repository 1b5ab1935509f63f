namespace BackupCmdlets.Engine.Archiving;

/// <summary>One name a dumpdir lists, with its mark.</summary>
public sealed record DumpDirectoryName(DumpDirectoryMark Mark, string Name);
