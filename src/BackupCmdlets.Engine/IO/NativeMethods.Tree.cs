using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.IO;

/// <summary>The calls for walking and changing a tree by byte-exact names (getdents64, statx relative to a directory, open with flags, mkdir, symlink, readlink) and for setting metadata on open files.</summary>
internal static unsafe partial class NativeMethods
{
    public const int ORdOnly = 0;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OCloExec = 0x80000;

    public static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>O_DIRECTORY and O_NOFOLLOW differ between x86-64 and arm64.</summary>
    public static int ODirectory => IsArm64 ? 0x4000 : 0x10000;

    public static int ONoFollow => IsArm64 ? 0x8000 : 0x20000;

    [DllImport(Libc, SetLastError = true, EntryPoint = "open")]
    public static extern int OpenWithMode([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, int flags, uint mode);

    [DllImport(Libc, SetLastError = true, EntryPoint = "getdents64")]
    public static extern nint GetDents64(int fd, byte* buffer, nuint count);

    [DllImport(Libc, SetLastError = true, EntryPoint = "statx")]
    public static extern int StatxAt(int dirFd, byte* name, int flags, uint mask, out Statx buffer);

    [DllImport(Libc, SetLastError = true, EntryPoint = "readlink")]
    public static extern nint ReadLink([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, byte* buffer, nuint size);

    [DllImport(Libc, SetLastError = true, EntryPoint = "symlink")]
    public static extern int Symlink([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string target, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path);

    [DllImport(Libc, SetLastError = true, EntryPoint = "unlink")]
    public static extern int Unlink([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path);

    [DllImport(Libc, SetLastError = true, EntryPoint = "rmdir")]
    public static extern int RemoveDirectory([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path);

    [DllImport(Libc, SetLastError = true, EntryPoint = "mkdir")]
    public static extern int MakeDirectory([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, uint mode);

    [DllImport(Libc, EntryPoint = "posix_fallocate")]
    public static extern int PosixFallocate(int fd, long offset, long length);

    public const int AtEmptyPath = 0x1000;

    [DllImport(Libc, SetLastError = true, EntryPoint = "fchown")]
    public static extern int FChown(int fd, uint owner, uint group);

    [DllImport(Libc, SetLastError = true, EntryPoint = "fchmod")]
    public static extern int FChmod(int fd, uint mode);

    [DllImport(Libc, SetLastError = true, EntryPoint = "futimens")]
    public static extern int FutimeNs(int fd, Timespec* times);
}
