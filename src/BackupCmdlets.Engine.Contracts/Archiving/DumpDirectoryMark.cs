namespace BackupCmdlets.Engine.Archiving;

/// <summary>What a dumpdir says of one name (the letter GNU tar puts before it).</summary>
public enum DumpDirectoryMark
{
    /// <summary>'Y': a file (not a folder) stored in this archive.</summary>
    InArchive,

    /// <summary>'N': a file unchanged since the previous level, not in this archive, to be kept.</summary>
    NotInArchive,

    /// <summary>'D': a folder.</summary>
    Directory,

    /// <summary>'R': a folder renamed from this path (relative to the archive root), followed by its new path.</summary>
    RenamedFrom,

    /// <summary>'T': the new path of the folder named by the 'R' before it.</summary>
    RenamedTo,

    /// <summary>'X': a temporary folder used to break a cycle of renames.</summary>
    TemporaryFolder,
}
