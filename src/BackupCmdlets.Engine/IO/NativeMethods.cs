using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The libc calls .NET does not wrap: statx (owner, inode, nanosecond times), lchown, utimensat,
/// link, mkfifo/mknod, copy_file_range, the FICLONE ioctl and the passwd/group look-ups. Linux only;
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

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
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

    [DllImport(Libc, SetLastError = true, EntryPoint = "statx")]
    public static extern int StatxCall(int dirFd, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, int flags, uint mask, out Statx buffer);

    [DllImport(Libc, SetLastError = true, EntryPoint = "lchown")]
    public static extern int LChown([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, uint owner, uint group);

    [DllImport(Libc, SetLastError = true, EntryPoint = "chmod")]
    public static extern int Chmod([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, uint mode);

    [DllImport(Libc, SetLastError = true, EntryPoint = "utimensat")]
    public static extern int UtimensAt(int dirFd, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, Timespec* times, int flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "link")]
    public static extern int Link([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string existing, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string newPath);

    [DllImport(Libc, SetLastError = true, EntryPoint = "mknod")]
    public static extern int MkNod([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, uint mode, ulong device);

    [DllImport(Libc, SetLastError = true, EntryPoint = "copy_file_range")]
    public static extern nint CopyFileRange(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "ioctl")]
    public static extern int Ioctl(int fd, ulong request, nint argument);

    [DllImport(Libc, SetLastError = true, EntryPoint = "sync_file_range")]
    public static extern int SyncFileRange(int fd, long offset, long length, uint flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "fsync")]
    public static extern int Fsync(int fd);

    [DllImport(Libc, SetLastError = true, EntryPoint = "open")]
    public static extern int Open([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, int flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "close")]
    public static extern int Close(int fd);

    [DllImport(Libc, SetLastError = true, EntryPoint = "renameat2")]
    public static extern int RenameAt2(int oldDirFd, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string oldPath, int newDirFd, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string newPath, uint flags);

    [DllImport(Libc, SetLastError = true, EntryPoint = "realpath")]
    public static extern nint RealPath([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(FileNameMarshaler))] string path, nint resolved);

    [DllImport(Libc, EntryPoint = "free")]
    public static extern void Free(nint pointer);

    [DllImport(Libc, EntryPoint = "geteuid")]
    public static extern uint GetEffectiveUserId();

    [DllImport(Libc, SetLastError = true, EntryPoint = "getpwuid_r")]
    public static extern int GetPwUidR(uint uid, byte* passwd, byte* buffer, nuint bufferLength, byte** result);

    [DllImport(Libc, SetLastError = true, EntryPoint = "getgrgid_r")]
    public static extern int GetGrGidR(uint gid, byte* group, byte* buffer, nuint bufferLength, byte** result);

    [DllImport(Libc, SetLastError = true, EntryPoint = "getpwnam_r")]
    public static extern int GetPwNamR([MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* passwd, byte* buffer, nuint bufferLength, byte** result);

    [DllImport(Libc, SetLastError = true, EntryPoint = "getgrnam_r")]
    public static extern int GetGrNamR([MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* group, byte* buffer, nuint bufferLength, byte** result);
}
