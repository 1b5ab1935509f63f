using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// Walking and changing a tree by byte-exact names (a name that is not valid UTF-8 travels as the
/// escaped string <see cref="FileNameEncoding"/> makes): listing with metadata, links, directories
/// and file handles that never follow a symlink at the last component.
/// </summary>
internal static unsafe partial class UnixFileSystem
{
    /// <summary>
    /// The entries of a directory (without "." and "..") with their lstat metadata, read with one
    /// getdents64 pass and a statx per entry relative to the open directory. Entries that vanish
    /// between the two calls are left out.
    /// </summary>
    public static List<DirectoryEntry> ReadDirectory(string path)
    {
        if (!Native)
        {
            return new DirectoryInfo(path).EnumerateFileSystemInfos()
                .Select(i => new DirectoryEntry(i.Name, ManagedLstat(i.FullName)))
                .ToList();
        }

        int fd = NativeMethods.OpenWithMode(path, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.OCloExec, 0);
        if (fd < 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        try
        {
            return ReadDirectory(fd, path);
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    /// <summary>The entries of the directory open as <paramref name="fd"/> (read from its start), as <see cref="ReadDirectory(string)"/> answers them; errors name <paramref name="path"/>.</summary>
    internal static List<DirectoryEntry> ReadDirectory(int fd, string path)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var entries = new List<DirectoryEntry>();
            fixed (byte* start = buffer)
            {
                while (true)
                {
                    nint read = NativeMethods.GetDents64(fd, start, (nuint)buffer.Length);
                    if (read < 0)
                    {
                        throw ErrnoException(Marshal.GetLastPInvokeError(), path);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    for (nint offset = 0; offset < read;)
                    {
                        // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
                        byte* record = start + offset;
                        int length = *(ushort*)(record + 16);
                        offset += length;
                        var name = new ReadOnlySpan<byte>(record + 19, length - 19);
                        name = name[..name.IndexOf((byte)0)];
                        if (name is [(byte)'.'] or [(byte)'.', (byte)'.'])
                        {
                            continue;
                        }

                        if (NativeMethods.StatxAt(fd, record + 19, NativeMethods.AtSymlinkNoFollow, NativeMethods.StatxBasicStats, out var st) != 0)
                        {
                            int errno = Marshal.GetLastPInvokeError();
                            if (errno == NativeMethods.ENOENT)
                            {
                                continue;
                            }

                            throw ErrnoException(errno, Path.Combine(path, FileNameEncoding.GetString(name)));
                        }

                        entries.Add(new DirectoryEntry(FileNameEncoding.GetString(name), FromStatx(in st)));
                    }
                }
            }

            return entries;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>readlink(2): the target of a symlink, byte-exact.</summary>
    public static string ReadLink(string path)
    {
        if (!Native)
        {
            return new FileInfo(path).LinkTarget ?? throw new IOException($"Not a symbolic link: '{path}'");
        }

        byte[] buffer = new byte[4096];
        fixed (byte* b = buffer)
        {
            nint n = NativeMethods.ReadLink(path, b, (nuint)buffer.Length);
            if (n < 0)
            {
                throw ErrnoException(Marshal.GetLastPInvokeError(), path);
            }

            return FileNameEncoding.GetString(buffer.AsSpan(0, (int)n));
        }
    }

    /// <summary>symlink(2): a symlink at <paramref name="path"/> holding <paramref name="target"/> as written.</summary>
    public static void CreateSymbolicLink(string target, string path)
    {
        if (!Native)
        {
            File.CreateSymbolicLink(path, target);
            return;
        }

        if (NativeMethods.Symlink(target, path) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>mkdir(2) with the given permission bits (the umask still applies).</summary>
    public static void CreateDirectory(string path, int mode)
    {
        if (!Native)
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (NativeMethods.MakeDirectory(path, (uint)(mode & 0xFFF)) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>unlink(2): removes a file, symlink or special file (never a directory).</summary>
    public static void DeleteFile(string path)
    {
        if (!Native)
        {
            File.Delete(path);
            return;
        }

        if (NativeMethods.Unlink(path) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>rmdir(2): removes an empty directory.</summary>
    public static void DeleteDirectory(string path)
    {
        if (!Native)
        {
            Directory.Delete(path);
            return;
        }

        if (NativeMethods.RemoveDirectory(path) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }
    }

    /// <summary>Opens an existing file for reading; a symlink at the last component is refused.</summary>
    public static SafeFileHandle OpenRead(string path) =>
        OpenHandle(path, NativeMethods.ORdOnly | NativeMethods.ONoFollow, 0, FileMode.Open, FileAccess.Read);

    /// <summary>Opens an existing file for reading and writing in place; a symlink at the last component is refused.</summary>
    public static SafeFileHandle OpenReadWrite(string path) =>
        OpenHandle(path, NativeMethods.ORdWr | NativeMethods.ONoFollow, 0, FileMode.Open, FileAccess.ReadWrite);

    /// <summary>Creates a new file (failing when the name exists) open for reading and writing.</summary>
    public static SafeFileHandle CreateNewFile(string path, int mode) =>
        OpenHandle(path, NativeMethods.ORdWr | NativeMethods.OCreat | NativeMethods.OExcl | NativeMethods.ONoFollow, mode, FileMode.CreateNew, FileAccess.ReadWrite);

    /// <summary>Reserves disk space for a file being written, where the file system can (a no-op elsewhere).</summary>
    public static void Preallocate(SafeFileHandle file, long length)
    {
        if (Native && length > 0)
        {
            NativeMethods.PosixFallocate((int)file.DangerousGetHandle(), 0, length);
        }
    }

    /// <summary>ftruncate(2): cuts or extends an open file to <paramref name="length"/> bytes (an extension is a hole).</summary>
    public static void SetLength(SafeFileHandle file, long length)
    {
        if (!Native)
        {
            throw new PlatformNotSupportedException("ftruncate is used on Linux only.");
        }

        if (NativeMethods.FTruncate((int)file.DangerousGetHandle(), length) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), null);
        }
    }

    /// <summary>
    /// copy_file_range(2) of <paramref name="length"/> bytes between offsets of two open files, inside the
    /// kernel (a shared extent where the file system can). Answers the bytes copied, which is less than
    /// <paramref name="length"/> at the source's end of file; 0 when the call is not possible here.
    /// </summary>
    public static long CopyRange(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        if (!Native || length == 0)
        {
            return 0;
        }

        int inFd = (int)source.DangerousGetHandle();
        int outFd = (int)destination.DangerousGetHandle();
        long copied = 0;
        while (copied < length)
        {
            nint n = NativeMethods.CopyFileRange(inFd, &sourceOffset, outFd, &destinationOffset, (nuint)Math.Min(length - copied, 1L << 30), 0);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (copied == 0 && errno is NativeMethods.EXDEV or NativeMethods.EINVAL or NativeMethods.ENOSYS or NativeMethods.EOPNOTSUPP)
                {
                    return 0;
                }

                throw ErrnoException(errno, null);
            }

            if (n == 0)
            {
                break;
            }

            copied += n;
        }

        return copied;
    }

    private static SafeFileHandle OpenHandle(string path, int flags, int mode, FileMode managedMode, FileAccess managedAccess)
    {
        if (!Native)
        {
            return File.OpenHandle(path, managedMode, managedAccess, FileShare.ReadWrite | FileShare.Delete);
        }

        int fd = NativeMethods.OpenWithMode(path, flags | NativeMethods.OCloExec, (uint)(mode & 0xFFF));
        if (fd < 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), path);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>fstat through statx: the metadata of an open file (the file read, even if its name changed since).</summary>
    public static FileMetadata Stat(SafeFileHandle file)
    {
        if (!Native)
        {
            throw new PlatformNotSupportedException("fstat is used on Linux only.");
        }

        byte empty = 0;
        if (NativeMethods.StatxAt((int)file.DangerousGetHandle(), &empty, NativeMethods.AtEmptyPath, NativeMethods.StatxBasicStats, out var st) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), null);
        }

        return FromStatx(in st);
    }

    /// <summary>
    /// Gives an open file its owner (when <paramref name="setOwner"/>), permission bits and modification
    /// time with fchown, fchmod and futimens: no path to look up again. Owner first, since it clears setuid bits.
    /// </summary>
    public static void SetMetadata(SafeFileHandle file, FileMetadata metadata, bool setOwner) =>
        SetMetadata(file, metadata.Permissions, metadata.ModifiedTime, setOwner ? (metadata.UserId, metadata.GroupId) : null);

    /// <summary>fchown (when <paramref name="owner"/> is given), fchmod and futimens on an open file or directory.</summary>
    public static void SetMetadata(SafeFileHandle file, int permissions, UnixTime modified, (long UserId, long GroupId)? owner)
    {
        if (!Native)
        {
            throw new PlatformNotSupportedException("Metadata on open files is set on Linux only.");
        }

        int fd = (int)file.DangerousGetHandle();
        if (owner is var (userId, groupId) && NativeMethods.FChown(fd, (uint)userId, (uint)groupId) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), null);
        }

        if (NativeMethods.FChmod(fd, (uint)(permissions & 0xFFF)) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), null);
        }

        var times = stackalloc NativeMethods.Timespec[2];
        times[0] = new NativeMethods.Timespec { Seconds = 0, Nanoseconds = NativeMethods.UtimeOmit };
        times[1] = new NativeMethods.Timespec { Seconds = modified.Seconds, Nanoseconds = modified.Nanoseconds };
        if (NativeMethods.FutimeNs(fd, times) != 0)
        {
            throw ErrnoException(Marshal.GetLastPInvokeError(), null);
        }
    }
}
