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

    /// <summary>A folder with the list of names it held (GNU's dumpdir, typeflag 'D', of incremental archives).</summary>
    DumpDirectory,
}
