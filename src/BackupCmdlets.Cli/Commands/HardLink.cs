using System.ComponentModel;
using System.Runtime.InteropServices;

namespace BackupCmdlets.Cli.Commands;

/// <summary>link(2), for the sample tree's hard link (.NET has no call for it).</summary>
internal static partial class HardLink
{
    public static void Create(string existingPath, string newPath)
    {
        if (Link(existingPath, newPath) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Cannot link '{newPath}' to '{existingPath}'.");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);
}
