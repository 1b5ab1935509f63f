using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace BackupCmdlets.Engine.IO;

/// <summary>The calls for walking and changing a tree by byte-exact names (getdents64, statx relative to a directory, open with flags, mkdir, symlink, readlink) and for setting metadata on open files.</summary>
internal static unsafe partial class NativeMethods
{
    public const int ORdOnly = 0;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OCloExec = 0x80000;
    public const int ONonBlock = 0x800;

    public static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>O_DIRECTORY, O_NOFOLLOW and O_DIRECT differ between x86-64 and arm64.</summary>
    public static int ODirectory => IsArm64 ? 0x4000 : 0x10000;

    public static int ONoFollow => IsArm64 ? 0x8000 : 0x20000;

    public static int ODirect => IsArm64 ? 0x10000 : 0x4000;

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "open")]
    public static partial int OpenWithMode([MarshalUsing(typeof(FileNameMarshaler))] string path, int flags, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "getdents64")]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "statx")]
    public static partial int StatxAt(int dirFd, byte* name, int flags, uint mask, out Statx buffer);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "readlink")]
    public static partial nint ReadLink([MarshalUsing(typeof(FileNameMarshaler))] string path, byte* buffer, nuint size);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "symlink")]
    public static partial int Symlink([MarshalUsing(typeof(FileNameMarshaler))] string target, [MarshalUsing(typeof(FileNameMarshaler))] string path);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "unlink")]
    public static partial int Unlink([MarshalUsing(typeof(FileNameMarshaler))] string path);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "rmdir")]
    public static partial int RemoveDirectory([MarshalUsing(typeof(FileNameMarshaler))] string path);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "mkdir")]
    public static partial int MakeDirectory([MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "ftruncate")]
    public static partial int FTruncate(int fd, long length);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "lseek")]
    public static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport(Libc, EntryPoint = "posix_fallocate")]
    public static partial int PosixFallocate(int fd, long offset, long length);

    public const int AtEmptyPath = 0x1000;

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fchown")]
    public static partial int FChown(int fd, uint owner, uint group);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fchmod")]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "futimens")]
    public static partial int FutimeNs(int fd, Timespec* times);
}
