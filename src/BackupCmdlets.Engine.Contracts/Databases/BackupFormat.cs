namespace BackupCmdlets.Engine.Databases;

/// <summary>How a set stores the database files: as a plain copy of the folders, or one tar per data directory/tablespace.</summary>
public enum BackupFormat
{
    Plain,
    Tar,
}
