using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace BackupCmdlets.Engine.IO;

/// <summary>Marshals path strings to C with <see cref="FileNameEncoding"/>, so escaped bytes reach the kernel as they were.</summary>
[CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedIn, typeof(FileNameMarshaler))]
internal static unsafe class FileNameMarshaler
{
    public static byte* ConvertToUnmanaged(string managed)
    {
        byte[] bytes = FileNameEncoding.GetNullTerminatedBytes(managed);
        byte* native = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(native, bytes.Length));
        return native;
    }

    public static void Free(byte* unmanaged) => NativeMemory.Free(unmanaged);
}
