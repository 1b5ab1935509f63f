using System.Runtime.InteropServices;

namespace BackupCmdlets.Engine.IO;

/// <summary>Marshals path strings to C with <see cref="FileNameEncoding"/>, so escaped bytes reach the kernel as they were.</summary>
internal sealed class FileNameMarshaler : ICustomMarshaler
{
    private static readonly FileNameMarshaler Instance = new();

    public static ICustomMarshaler GetInstance(string cookie) => Instance;

    public IntPtr MarshalManagedToNative(object managedObj)
    {
        byte[] bytes = FileNameEncoding.GetNullTerminatedBytes((string)managedObj);
        IntPtr native = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, native, bytes.Length);
        return native;
    }

    public void CleanUpNativeData(IntPtr pNativeData) => Marshal.FreeHGlobal(pNativeData);

    public object MarshalNativeToManaged(IntPtr pNativeData) => throw new NotSupportedException();

    public void CleanUpManagedData(object managedObj)
    {
    }

    public int GetNativeDataSize() => -1;
}
