using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The calls that name an entry relative to an open directory (openat, mkdirat, symlinkat, linkat,
/// mknodat, unlinkat, readlinkat, fchownat, fchmodat): the directory is the one that was checked, whatever
/// happens to the path that led to it.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>O_PATH: a handle that only locates a directory (no read permission needed); the same on x86-64 and arm64.</summary>
    public const int OPath = 0x200000;
    public const int AtRemoveDir = 0x200;
    public const int FDupFdCloExec = 1030;
    public const int ENAMETOOLONG = 36;

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "openat")]
    public static partial int OpenAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, int flags, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "mkdirat")]
    public static partial int MkdirAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "symlinkat")]
    public static partial int SymlinkAt([MarshalUsing(typeof(FileNameMarshaler))] string target, int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "linkat")]
    public static partial int LinkAt(int oldDirFd, [MarshalUsing(typeof(FileNameMarshaler))] string oldPath, int newDirFd, [MarshalUsing(typeof(FileNameMarshaler))] string newPath, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "mknodat")]
    public static partial int MknodAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode, ulong device);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "unlinkat")]
    public static partial int UnlinkAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "readlinkat")]
    public static partial nint ReadLinkAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, byte* buffer, nuint size);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fchownat")]
    public static partial int FChownAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, uint owner, uint group, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fchmodat")]
    public static partial int FChmodAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode, int flags);
}
