using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace BackupCmdlets.Engine.IO;

/// <summary>The extended attribute calls: on an entry by its path without following a symlink at the name (l*), and on an open file (f*).</summary>
internal static unsafe partial class NativeMethods
{
    public const int ENODATA = 61;
    public const int ERANGE = 34;

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "llistxattr")]
    public static partial nint LListXattr([MarshalUsing(typeof(FileNameMarshaler))] string path, byte* list, nuint size);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "lgetxattr")]
    public static partial nint LGetXattr([MarshalUsing(typeof(FileNameMarshaler))] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* value, nuint size);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "lsetxattr")]
    public static partial int LSetXattr([MarshalUsing(typeof(FileNameMarshaler))] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "lremovexattr")]
    public static partial int LRemoveXattr([MarshalUsing(typeof(FileNameMarshaler))] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [LibraryImport(Libc, SetLastError = true, EntryPoint = "fsetxattr")]
    public static partial int FSetXattr(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte* value, nuint size, int flags);
}
