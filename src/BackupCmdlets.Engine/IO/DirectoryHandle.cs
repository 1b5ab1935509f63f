using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// An open directory in which entries are looked up and changed by one name each (no '/'), with the
/// *at calls: whatever happens meanwhile to the path that led here, every call acts in this directory,
/// and none follows a symlink at the name (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW). Linux only.
/// </summary>
internal sealed unsafe class DirectoryHandle : IDisposable
{
    private readonly SafeFileHandle _handle;

    private DirectoryHandle(int fd) => _handle = new SafeFileHandle(fd, ownsHandle: true);

    private int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>Opens a directory by path (symlinks on the way are followed: the caller chose this path).</summary>
    public static DirectoryHandle Open(string path)
    {
        int fd = NativeMethods.OpenWithMode(path, NativeMethods.OPath | NativeMethods.ODirectory | NativeMethods.OCloExec, 0);
        return fd >= 0 ? new DirectoryHandle(fd) : throw UnixFileSystem.ErrnoException(Marshal.GetLastPInvokeError(), path);
    }

    /// <summary>
    /// Opens the directory <paramref name="name"/> in this one for listing (read permission needed) and for
    /// the *at calls below it; a symlink at the name is refused (ELOOP or ENOTDIR).
    /// </summary>
    public DirectoryHandle OpenDirectory(string name)
    {
        int fd = NativeMethods.OpenAt(Fd, name, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.ONoFollow | NativeMethods.OCloExec, 0);
        return fd >= 0 ? new DirectoryHandle(fd) : throw Error(name);
    }

    /// <summary>The entries of this directory (opened by <see cref="OpenDirectory"/>) with their lstat metadata; <paramref name="path"/> names it in errors.</summary>
    public List<DirectoryEntry> List(string path) => UnixFileSystem.ReadDirectory(Fd, path);

    /// <summary>
    /// Opens the file <paramref name="name"/> for reading. A symlink at the name is refused, and the open
    /// never blocks (O_NONBLOCK): a FIFO put in a file's place is opened, not waited on, and the caller's
    /// fstat tells what it is.
    /// </summary>
    public SafeFileHandle OpenFile(string name)
    {
        int fd = NativeMethods.OpenAt(Fd, name, NativeMethods.ORdOnly | NativeMethods.ONoFollow | NativeMethods.ONonBlock | NativeMethods.OCloExec, 0);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(name);
    }

    /// <summary>
    /// A path to the entry <paramref name="name"/> in this directory through /proc/self/fd, for the calls that
    /// take only paths (the l*xattr calls): short whatever the directory's own path, and leading here.
    /// </summary>
    public string PathOf(string name) => $"/proc/self/fd/{Fd}/{name}";

    /// <summary>A second handle to the same directory, for work that outlives this one.</summary>
    public DirectoryHandle Duplicate()
    {
        int fd = NativeMethods.Fcntl(Fd, NativeMethods.FDupFdCloExec, 0);
        return fd >= 0 ? new DirectoryHandle(fd) : throw UnixFileSystem.ErrnoException(Marshal.GetLastPInvokeError(), null);
    }

    /// <summary>
    /// The directory <paramref name="name"/> in this one; null with the errno when there is none or
    /// it is something else (a symlink gives ELOOP or ENOTDIR: it is not followed).
    /// </summary>
    public DirectoryHandle? TryOpenDirectory(string name, out int errno)
    {
        int fd = NativeMethods.OpenAt(Fd, name, NativeMethods.OPath | NativeMethods.ODirectory | NativeMethods.ONoFollow | NativeMethods.OCloExec, 0);
        errno = fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        return fd >= 0 ? new DirectoryHandle(fd) : null;
    }

    /// <summary>Opens the directory <paramref name="name"/> for fchmod, fchown and futimens; a symlink is refused.</summary>
    public SafeFileHandle OpenDirectoryForMetadata(string name)
    {
        int fd = NativeMethods.OpenAt(Fd, name, NativeMethods.ORdOnly | NativeMethods.ODirectory | NativeMethods.ONoFollow | NativeMethods.OCloExec, 0);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(name);
    }

    /// <summary>lstat of <paramref name="name"/>; null when there is no such entry.</summary>
    public FileMetadata? TryStat(string name)
    {
        if (NativeMethods.StatxCall(Fd, name, NativeMethods.AtSymlinkNoFollow, NativeMethods.StatxBasicStats, out var st) == 0)
        {
            return UnixFileSystem.FromStatx(in st);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == NativeMethods.ENOENT ? null : throw UnixFileSystem.ErrnoException(errno, name);
    }

    /// <summary>The target of the symlink <paramref name="name"/>, byte-exact.</summary>
    public string ReadLink(string name)
    {
        byte[] buffer = new byte[4096];
        fixed (byte* b = buffer)
        {
            nint n = NativeMethods.ReadLinkAt(Fd, name, b, (nuint)buffer.Length);
            return n >= 0 ? FileNameEncoding.GetString(buffer.AsSpan(0, (int)n)) : throw Error(name);
        }
    }

    public void CreateDirectory(string name, int mode) => Check(NativeMethods.MkdirAt(Fd, name, (uint)(mode & 0xFFF)), name);

    /// <summary>Creates the new file <paramref name="name"/> (never an existing one, never through a symlink), open for reading and writing.</summary>
    public SafeFileHandle CreateFile(string name, int mode)
    {
        int flags = NativeMethods.ORdWr | NativeMethods.OCreat | NativeMethods.OExcl | NativeMethods.ONoFollow | NativeMethods.OCloExec;
        int fd = NativeMethods.OpenAt(Fd, name, flags, (uint)(mode & 0xFFF));
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(name);
    }

    public void CreateSymbolicLink(string target, string name) => Check(NativeMethods.SymlinkAt(target, Fd, name), name);

    /// <summary>linkat: <paramref name="name"/> here becomes a second name of <paramref name="sourceName"/> in <paramref name="sourceFolder"/> (a symlink is linked, not followed).</summary>
    public void CreateHardLink(DirectoryHandle sourceFolder, string sourceName, string name) =>
        Check(NativeMethods.LinkAt(sourceFolder.Fd, sourceName, Fd, name, 0), name);

    /// <summary>mknodat for a FIFO or device, readable and writable by the owner only until its mode is set.</summary>
    public void CreateSpecialFile(string name, FileKind kind, int major, int minor) =>
        Check(NativeMethods.MknodAt(Fd, name, UnixFileSystem.SpecialFileType(kind) | 0x180, UnixFileSystem.DeviceNumber(major, minor)), name);

    /// <summary>Renames within this directory; without <paramref name="replace"/> an existing target is an error, checked atomically.</summary>
    public void Rename(string from, string to, bool replace) =>
        Check(NativeMethods.RenameAt2(Fd, from, Fd, to, replace ? 0 : NativeMethods.RenameNoReplace), to);

    /// <summary>unlinkat: removes a file, symlink or special file (never a directory).</summary>
    public void Delete(string name) => Check(NativeMethods.UnlinkAt(Fd, name, 0), name);

    /// <summary>unlinkat with AT_REMOVEDIR: removes the empty directory <paramref name="name"/> (a symlink is not one).</summary>
    public void DeleteDirectory(string name) => Check(NativeMethods.UnlinkAt(Fd, name, NativeMethods.AtRemoveDir), name);

    /// <summary>
    /// Removes <paramref name="name"/> with everything below it: each directory is opened without following
    /// a symlink and emptied by names in it, so nothing outside this directory is touched; a symlink is
    /// removed itself. Answers the entries removed.
    /// </summary>
    public long DeleteTree(string name)
    {
        var meta = TryStat(name);
        if (meta is null)
        {
            return 0;
        }

        if (meta.Kind != FileKind.Directory)
        {
            Delete(name);
            return 1;
        }

        long removed = 1;
        using (var directory = OpenDirectory(name))
        {
            foreach (var child in directory.List(name))
            {
                removed += directory.DeleteTree(child.Name);
            }
        }

        DeleteDirectory(name);
        return removed;
    }

    /// <summary>renameat: moves <paramref name="from"/> in this directory to <paramref name="to"/> in <paramref name="target"/>; without <paramref name="replace"/> an existing target is an error.</summary>
    public void MoveTo(string from, DirectoryHandle target, string to, bool replace) =>
        Check(NativeMethods.RenameAt2(Fd, from, target.Fd, to, replace ? 0 : NativeMethods.RenameNoReplace), to);

    /// <summary>
    /// Owner (when given), permission bits (unless <paramref name="permissions"/> is null, as for a symlink)
    /// and modification time of the entry <paramref name="name"/> itself, never of what a symlink points to.
    /// </summary>
    public void SetMetadata(string name, int? permissions, UnixTime modified, (long UserId, long GroupId)? owner)
    {
        if (owner is var (userId, groupId))
        {
            Check(NativeMethods.FChownAt(Fd, name, (uint)userId, (uint)groupId, NativeMethods.AtSymlinkNoFollow), name);
        }

        if (permissions is { } mode)
        {
            Check(NativeMethods.FChmodAt(Fd, name, (uint)(mode & 0xFFF), NativeMethods.AtSymlinkNoFollow), name);
        }

        var times = stackalloc NativeMethods.Timespec[2];
        times[0] = new NativeMethods.Timespec { Seconds = 0, Nanoseconds = NativeMethods.UtimeOmit };
        times[1] = new NativeMethods.Timespec { Seconds = modified.Seconds, Nanoseconds = modified.Nanoseconds };
        Check(NativeMethods.UtimensAt(Fd, name, times, NativeMethods.AtSymlinkNoFollow), name);
    }

    public void Dispose() => _handle.Dispose();

    private static void Check(int result, string name)
    {
        if (result != 0)
        {
            throw Error(name);
        }
    }

    private static IOException Error(string name) => UnixFileSystem.ErrnoException(Marshal.GetLastPInvokeError(), name);
}
