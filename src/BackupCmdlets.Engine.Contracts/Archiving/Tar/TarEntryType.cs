namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>The kind of a tar entry.</summary>
public enum TarEntryType
{
    File,
    Directory,
    SymbolicLink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
}
