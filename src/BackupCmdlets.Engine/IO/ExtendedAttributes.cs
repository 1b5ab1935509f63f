using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The extended attributes of one entry (getfattr -d -m -), read and written on the entry itself: a
/// symlink at the name is not followed. POSIX ACLs are two of them, <see cref="AccessAcl"/> and
/// <see cref="DefaultAcl"/> (binary, see <see cref="PosixAcl"/>); what -Xattrs keeps is the others, what
/// -Acls keeps is those two. An entry on a file system without them has none. Linux only.
/// </summary>
internal static unsafe class ExtendedAttributes
{
    public const string AccessAcl = "system.posix_acl_access";
    public const string DefaultAcl = "system.posix_acl_default";

    public static bool IsAcl(string name) => name is AccessAcl or DefaultAcl;

    /// <summary>
    /// True for a name this process may set: user.* always; trusted.* and security.* as root (as rsync -X and
    /// GNU tar restore them); system.* only as the ACLs, which go their own way.
    /// </summary>
    public static bool IsRestorable(string name) =>
        name.StartsWith("user.", StringComparison.Ordinal) || (UnixFileSystem.IsRoot && (name.StartsWith("trusted.", StringComparison.Ordinal) || name.StartsWith("security.", StringComparison.Ordinal)));

    /// <summary>Every attribute of the entry, by name in ordinal order; empty where the file system has none.</summary>
    public static SortedDictionary<string, byte[]> Read(string path)
    {
        var attributes = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return attributes;
        }

        byte[] names = Fetch(path, (buffer, size) => NativeMethods.LListXattr(path, buffer, size));
        foreach (string name in Encoding.UTF8.GetString(names).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                attributes[name] = Fetch(path, (buffer, size) => NativeMethods.LGetXattr(path, name, buffer, size));
            }
            catch (IOException ex) when (ex.HResult == NativeMethods.ENODATA)
            {
                // Removed since it was listed.
            }
        }

        return attributes;
    }

    public static void Set(string path, string name, byte[] value)
    {
        fixed (byte* data = value)
        {
            if (NativeMethods.LSetXattr(path, name, data, (nuint)value.Length, 0) != 0)
            {
                throw Error(path, name);
            }
        }
    }

    /// <summary>Sets an attribute on an open file or folder.</summary>
    public static void Set(SafeFileHandle file, string path, string name, byte[] value)
    {
        fixed (byte* data = value)
        {
            if (NativeMethods.FSetXattr((int)file.DangerousGetHandle(), name, data, (nuint)value.Length, 0) != 0)
            {
                throw Error(path, name);
            }
        }
    }

    public static void Remove(string path, string name)
    {
        if (NativeMethods.LRemoveXattr(path, name) != 0 && Marshal.GetLastPInvokeError() != NativeMethods.ENODATA)
        {
            throw Error(path, name);
        }
    }

    /// <summary>True when two attribute sets hold the same names with the same values.</summary>
    public static bool Same(IReadOnlyDictionary<string, byte[]> first, IReadOnlyDictionary<string, byte[]> second) =>
        first.Count == second.Count && first.All(a => second.TryGetValue(a.Key, out byte[]? value) && value.AsSpan().SequenceEqual(a.Value));

    /// <summary>Calls a list or get function with a buffer grown until the value fits (it may grow between calls).</summary>
    private static byte[] Fetch(string path, FetchCall call)
    {
        for (int size = 256; ; size *= 4)
        {
            byte[] buffer = new byte[size];
            nint n;
            fixed (byte* b = buffer)
            {
                n = call(b, (nuint)size);
            }

            if (n >= 0)
            {
                return buffer[..(int)n];
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is NativeMethods.EOPNOTSUPP)
            {
                return [];
            }

            if (errno != NativeMethods.ERANGE || size > (1 << 24))
            {
                throw UnixFileSystem.ErrnoException(errno, path);
            }
        }
    }

    private static IOException Error(string path, string name)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"Cannot set the extended attribute '{name}' of '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private delegate nint FetchCall(byte* buffer, nuint size);
}
