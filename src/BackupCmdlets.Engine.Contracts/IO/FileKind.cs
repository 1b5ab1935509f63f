namespace BackupCmdlets.Engine.IO;

/// <summary>The type of a file-system entry, as lstat reports it (symlinks are not followed).</summary>
public enum FileKind
{
    File,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    HardLink,
}
