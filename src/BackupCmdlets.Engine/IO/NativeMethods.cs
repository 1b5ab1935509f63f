using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The libc calls .NET does not wrap: statx (owner, inode, nanosecond times), lchown, utimensat,
/// link, mkfifo/mknod, copy_file_range, the FICLONE ioctl, file status flags (fcntl) and the passwd/group look-ups. Linux only;
/// callers check <see cref="OperatingSystem.IsLinux"/> first.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Libc = "libc";

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;
    public const long UtimeOmit = (1L << 30) - 2;
    public const ulong FiClone = 0x40049409;
    public const uint RenameNoReplace = 1;
    public const int FGetFl = 3;
    public const int FSetFl = 4;

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;
    public const int ClockRealtimeCoarse = 5;
    public const int ELOOP = 40;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        public int Reserved;
    }

    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint UserId;
        public uint GroupId;
        public ushort Mode;
        public ushort Spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp AccessTime;
        public StatxTimestamp BirthTime;
        public StatxTimestamp ChangeTime;
        public StatxTimestamp ModifyTime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "statx")]
    public static partial int StatxCall(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, int flags, uint mask, out Statx buffer);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "lchown")]
    public static partial int LChown([MarshalUsing(typeof(FileNameMarshaler))] string path, uint owner, uint group);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "chmod")]
    public static partial int Chmod([MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "utimensat")]
    public static partial int UtimensAt(int dirFd, [MarshalUsing(typeof(FileNameMarshaler))] string path, Timespec* times, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "link")]
    public static partial int Link([MarshalUsing(typeof(FileNameMarshaler))] string existing, [MarshalUsing(typeof(FileNameMarshaler))] string newPath);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "mknod")]
    public static partial int MkNod([MarshalUsing(typeof(FileNameMarshaler))] string path, uint mode, ulong device);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "copy_file_range")]
    public static partial nint CopyFileRange(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "ioctl")]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "sync_file_range")]
    public static partial int SyncFileRange(int fd, long offset, long length, uint flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fcntl")]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fsync")]
    public static partial int Fsync(int fd);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "open")]
    public static partial int Open([MarshalUsing(typeof(FileNameMarshaler))] string path, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "renameat2")]
    public static partial int RenameAt2(int oldDirFd, [MarshalUsing(typeof(FileNameMarshaler))] string oldPath, int newDirFd, [MarshalUsing(typeof(FileNameMarshaler))] string newPath, uint flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "realpath")]
    public static partial nint RealPath([MarshalUsing(typeof(FileNameMarshaler))] string path, nint resolved);

    [LibraryImport(Libc, EntryPoint = "free")]
    public static partial void Free(nint pointer);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "clock_gettime")]
    public static partial int ClockGetTime(int clock, Timespec* time);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "getpwuid_r")]
    public static partial int GetPwUidR(uint uid, byte* passwd, byte* buffer, nuint bufferLength, byte** result);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "getgrgid_r")]
    public static partial int GetGrGidR(uint gid, byte* group, byte* buffer, nuint bufferLength, byte** result);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "getpwnam_r")]
    public static partial int GetPwNamR([MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* passwd, byte* buffer, nuint bufferLength, byte** result);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "getgrnam_r")]
    public static partial int GetGrNamR([MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* group, byte* buffer, nuint bufferLength, byte** result);
}
