using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// File metadata the way tar and rsync see it: lstat without following symlinks, owner ids,
/// nanosecond times, inode numbers for hard links. On Linux this calls libc; elsewhere it falls back
/// to what .NET offers (no owners, 100 ns times).
/// </summary>
internal static unsafe partial class UnixFileSystem
{
    private static readonly bool Native = OperatingSystem.IsLinux();

    /// <summary>True when the process runs as root (and so may restore owners and device nodes).</summary>
    public static bool IsRoot { get; } = Native && NativeMethods.GetEffectiveUserId() == 0;

    /// <summary>lstat: the entry itself, not what a symlink points to.</summary>
    public static FileMetadata Lstat(string path)
    {
        if (!Native)
        {
            return ManagedLstat(path);
        }

        if (NativeMethods.StatxCall(NativeMethods.AtFdCwd, path, NativeMethods.AtSymlinkNoFollow, NativeMethods.StatxBasicStats, out var st) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        return FromStatx(in st);
    }

    /// <summary>lstat that answers null when the entry does not exist (or vanished).</summary>
    public static FileMetadata? TryLstat(string path)
    {
        if (!Native)
        {
            return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null ? ManagedLstat(path) : null;
        }

        if (NativeMethods.StatxCall(NativeMethods.AtFdCwd, path, NativeMethods.AtSymlinkNoFollow, NativeMethods.StatxBasicStats, out var st) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is NativeMethods.ENOENT or NativeMethods.ENOTDIR ? null : throw ErrnoException(errno, path);
        }

        return FromStatx(in st);
    }

    /// <summary>Sets owner and group of the entry itself (a symlink is not followed).</summary>
    public static void SetOwner(string path, long userId, long groupId)
    {
        if (Native && NativeMethods.LChown(path, (uint)userId, (uint)groupId) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>Sets the 12 permission bits (including setuid, setgid, sticky). Not for symlinks.</summary>
    public static void SetPermissions(string path, int mode)
    {
        if (Native)
        {
            if (NativeMethods.Chmod(path, (uint)(mode & 0xFFF)) != 0)
            {
                throw ErrnoException(Marshal.GetLastPInvokeError(), path);
            }
        }
        else if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
        }
    }

    /// <summary>Sets the modification time to the nanosecond, on the entry itself (a symlink is not followed).</summary>
    public static void SetModifiedTime(string path, UnixTime time)
    {
        if (!Native)
        {
            File.SetLastWriteTimeUtc(path, time.ToDateTimeOffset().UtcDateTime);
            return;
        }

        var times = stackalloc NativeMethods.Timespec[2];
        times[0] = new NativeMethods.Timespec { Seconds = 0, Nanoseconds = NativeMethods.UtimeOmit };
        times[1] = new NativeMethods.Timespec { Seconds = time.Seconds, Nanoseconds = time.Nanoseconds };
        if (NativeMethods.UtimensAt(NativeMethods.AtFdCwd, path, times, NativeMethods.AtSymlinkNoFollow) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>link(2): a second name for an existing file.</summary>
    public static void CreateHardLink(string existingPath, string newPath)
    {
        if (!Native)
        {
            throw new PlatformNotSupportedException("Hard links are supported on Linux only.");
        }

        if (NativeMethods.Link(existingPath, newPath) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), newPath);
        }
    }

    /// <summary>mknod(2) for a FIFO, socket, character or block device.</summary>
    public static void CreateSpecialFile(string path, FileKind kind, int permissions, int major, int minor)
    {
        if (!Native)
        {
            throw new PlatformNotSupportedException("Special files are supported on Linux only.");
        }

        if (NativeMethods.MkNod(path, SpecialFileType(kind) | (uint)(permissions & 0xFFF), DeviceNumber(major, minor)) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>The st_mode type bits mknod(2) takes for a special file.</summary>
    internal static uint SpecialFileType(FileKind kind) => kind switch
    {
        FileKind.Fifo => 0x1000,
        FileKind.CharacterDevice => 0x2000,
        FileKind.BlockDevice => 0x6000,
        FileKind.Socket => 0xC000,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>glibc's makedev: a dev_t from a major and a minor number.</summary>
    internal static ulong DeviceNumber(int major, int minor) =>
        ((ulong)(uint)major << 8 & 0xfff00) | ((ulong)(uint)minor & 0xff) | ((ulong)(uint)minor & 0xfffff00) << 12 | ((ulong)(uint)major & 0xfffff000) << 32;

    /// <summary>
    /// Copies <paramref name="length"/> bytes between two open files inside the kernel: a reflink
    /// (FICLONE) when the file system shares extents and the whole file is wanted, else copy_file_range.
    /// Answers the bytes copied; 0 when neither call is possible here, so the caller copies itself.
    /// </summary>
    public static long CopyInKernel(SafeFileHandle source, SafeFileHandle destination, long length, bool tryClone)
    {
        if (!Native || length == 0)
        {
            return 0;
        }

        if (tryClone && NativeMethods.Ioctl((int)destination.DangerousGetHandle(), NativeMethods.FiClone, source.DangerousGetHandle()) == 0)
        {
            return length;
        }

        return CopyRange(source, 0, destination, 0, length);
    }

    /// <summary>
    /// rename(2) of the entry itself, whatever it is (File.Move refuses a symlink to a folder).
    /// Without <paramref name="replace"/> an existing target is an error, checked atomically.
    /// </summary>
    public static void Rename(string source, string destination, bool replace)
    {
        if (!Native)
        {
            File.Move(source, destination, replace);
            return;
        }

        if (NativeMethods.RenameAt2(NativeMethods.AtFdCwd, source, NativeMethods.AtFdCwd, destination, replace ? 0 : NativeMethods.RenameNoReplace) == 0)
        {
            return;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (!replace && errno is NativeMethods.EINVAL or NativeMethods.ENOSYS)
        {
            // A file system without RENAME_NOREPLACE: link + unlink refuses an existing target too.
            CreateHardLink(source, destination);
            DeleteFile(source);
            return;
        }

        throw ErrnoException(errno, destination);
    }

    /// <summary>realpath(3): the absolute path with every symlink resolved; the path must exist.</summary>
    public static string RealPath(string path)
    {
        if (!Native)
        {
            var info = new DirectoryInfo(path);
            return Path.GetFullPath(info.LinkTarget is null ? path : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        }

        nint resolved = NativeMethods.RealPath(path, 0);
        if (resolved == 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        try
        {
            return FileNameEncoding.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)resolved));
        }
        finally
        {
            NativeMethods.Free(resolved);
        }
    }

    /// <summary>
    /// Starts writing a range of a file to disk without waiting (sync_file_range), so a later fsync
    /// only waits for the tail. Best effort: ignored where the call does not exist.
    /// </summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long length)
    {
        if (Native)
        {
            NativeMethods.SyncFileRange((int)file.DangerousGetHandle(), offset, length, 2 /* SYNC_FILE_RANGE_WRITE */);
        }
    }

    /// <summary>
    /// Turns direct I/O (O_DIRECT: writes go from the caller's buffer to the disk, past the page cache)
    /// on or off for an open file. Answers false where the file system or platform refuses it.
    /// </summary>
    public static bool TrySetDirectIo(SafeFileHandle file, bool enabled)
    {
        if (!Native || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }

        int fd = (int)file.DangerousGetHandle();
        int flags = NativeMethods.Fcntl(fd, NativeMethods.FGetFl, 0);
        return flags >= 0
            && NativeMethods.Fcntl(fd, NativeMethods.FSetFl, enabled ? flags | NativeMethods.ODirect : flags & ~NativeMethods.ODirect) == 0;
    }

    /// <summary>fsync on a directory, so a rename inside it survives a crash.</summary>
    public static void FlushDirectory(string directory)
    {
        if (!Native)
        {
            return;
        }

        // O_CLOEXEC: a process started meanwhile by another thread must not inherit the folder (it would keep its file system busy).
        int fd = NativeMethods.Open(directory, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.OCloExec);
        if (fd >= 0)
        {
            NativeMethods.Fsync(fd);
            NativeMethods.Close(fd);
        }
    }

    /// <summary>fsync on an existing file or folder by its name (no symlink is followed); an error if it fails.</summary>
    public static void Flush(string path)
    {
        if (!Native)
        {
            return;
        }

        int fd = NativeMethods.Open(path, NativeMethods.ORdOnly | NativeMethods.ONoFollow | NativeMethods.OCloExec);
        if (fd < 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw ErrnoException(Marshal.GetLastPInvokeError(), path);
            }
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    /// <summary>
    /// The clock the kernel stamps file times with (CLOCK_REALTIME_COARSE, which lags the real time by up to
    /// one tick): a write after this reading gets a time stamp no earlier than it.
    /// </summary>
    public static UnixTime FileTimeClock()
    {
        NativeMethods.Timespec now;
        if (!Native || NativeMethods.ClockGetTime(NativeMethods.ClockRealtimeCoarse, &now) != 0)
        {
            return UnixTime.FromDateTimeOffset(DateTimeOffset.UtcNow);
        }

        return new UnixTime(now.Seconds, (int)now.Nanoseconds);
    }

    /// <summary>
    /// Waits for a write into the open file that is in progress to end: lseek(SEEK_HOLE) takes the inode
    /// lock shared on ext4, xfs, btrfs and tmpfs, and a write holds it exclusively from the moment it stamps
    /// the file's times until its data is in. So a write that overlaps a read started after this stamped
    /// its times after this too. Best effort: a file system without the lock is not waited for.
    /// </summary>
    public static void WaitForWriteInProgress(SafeFileHandle file)
    {
        if (Native)
        {
            NativeMethods.LSeek((int)file.DangerousGetHandle(), 0, 4 /* SEEK_HOLE */);
        }
    }

    /// <summary>True for the error of a write to a file system that is full (ENOSPC) or a quota that is used up (EDQUOT).</summary>
    public static bool IsDiskFull(IOException error) =>
        error.HResult is NativeMethods.ENOSPC or NativeMethods.EDQUOT or unchecked((int)0x80070070);

    /// <summary>An IOException of the fitting .NET type for an errno, naming the path.</summary>
    public static IOException ErrnoException(int errno, string? path)
    {
        string message = path is null ? Marshal.GetPInvokeErrorMessage(errno) : $"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'";
        return errno switch
        {
            NativeMethods.ENOENT => new FileNotFoundException(message, path),
            NativeMethods.EEXIST => new IOException(message, NativeMethods.EEXIST),
            NativeMethods.ENOSPC => new IOException(message, unchecked((int)0x80070070)),
            _ => new IOException(message, errno),
        };
    }

    internal static FileMetadata FromStatx(in NativeMethods.Statx st)
    {
        var kind = (st.Mode & 0xF000) switch
        {
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.File,
        };
        return new FileMetadata(
            kind,
            st.Mode & 0xFFF,
            st.UserId,
            st.GroupId,
            (long)st.Size,
            new UnixTime(st.ModifyTime.Seconds, (int)st.ModifyTime.Nanoseconds),
            ((ulong)st.DevMajor << 32) | st.DevMinor,
            st.Inode,
            st.LinkCount,
            (int)st.RdevMajor,
            (int)st.RdevMinor)
        {
            ChangeTime = new UnixTime(st.ChangeTime.Seconds, (int)st.ChangeTime.Nanoseconds),
        };
    }

    private static FileMetadata ManagedLstat(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
        {
            throw new FileNotFoundException($"Could not find '{path}'.", path);
        }

        var kind = info.LinkTarget is not null ? FileKind.SymbolicLink : info is DirectoryInfo ? FileKind.Directory : FileKind.File;
        int mode = OperatingSystem.IsWindows() ? (kind == FileKind.Directory ? 0x1ED : 0x1A4) : (int)info.UnixFileMode;
        long size = kind == FileKind.File ? ((FileInfo)info).Length : 0;
        return new FileMetadata(kind, mode, 0, 0, size, UnixTime.FromDateTimeOffset(info.LastWriteTimeUtc), 0, 0, 1, 0, 0);
    }
}
