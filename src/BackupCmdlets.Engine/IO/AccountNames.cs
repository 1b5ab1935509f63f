using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// User and group names for ids and back, through the C library (so NSS sources such as LDAP count,
/// as they do for tar). Answers are cached: a tree of 200,000 files has only a few owners.
/// </summary>
internal static unsafe class AccountNames
{
    private static readonly ConcurrentDictionary<long, string> UserNames = new();
    private static readonly ConcurrentDictionary<long, string> GroupNames = new();
    private static readonly ConcurrentDictionary<string, long> UserIds = new();
    private static readonly ConcurrentDictionary<string, long> GroupIds = new();

    /// <summary>The user name of a uid, or "" when there is none.</summary>
    public static string UserName(long userId) => UserNames.GetOrAdd(userId, static id => LookUpName(id, user: true));

    /// <summary>The group name of a gid, or "" when there is none.</summary>
    public static string GroupName(long groupId) => GroupNames.GetOrAdd(groupId, static id => LookUpName(id, user: false));

    /// <summary>The uid of a user name on this host, or -1.</summary>
    public static long UserId(string name) => name.Length == 0 ? -1 : UserIds.GetOrAdd(name, static n => LookUpId(n, user: true));

    /// <summary>The gid of a group name on this host, or -1.</summary>
    public static long GroupId(string name) => name.Length == 0 ? -1 : GroupIds.GetOrAdd(name, static n => LookUpId(n, user: false));

    private static string LookUpName(long id, bool user)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "";
        }

        var record = stackalloc byte[64];
        var buffer = new byte[16384];
        byte* result = null;
        fixed (byte* b = buffer)
        {
            int rc = user
                ? NativeMethods.GetPwUidR((uint)id, record, b, (nuint)buffer.Length, &result)
                : NativeMethods.GetGrGidR((uint)id, record, b, (nuint)buffer.Length, &result);
            if (rc != 0 || result == null)
            {
                return "";
            }

            // pw_name and gr_name are the first field of struct passwd and struct group.
            return Marshal.PtrToStringUTF8(*(nint*)result) ?? "";
        }
    }

    private static long LookUpId(string name, bool user)
    {
        if (!OperatingSystem.IsLinux() || Encoding.UTF8.GetByteCount(name) > 255)
        {
            return -1;
        }

        var record = stackalloc byte[64];
        var buffer = new byte[16384];
        byte* result = null;
        fixed (byte* b = buffer)
        {
            int rc = user
                ? NativeMethods.GetPwNamR(name, record, b, (nuint)buffer.Length, &result)
                : NativeMethods.GetGrNamR(name, record, b, (nuint)buffer.Length, &result);
            if (rc != 0 || result == null)
            {
                return -1;
            }

            // pw_uid and gr_gid both follow two pointers: offset 16 on 64-bit Linux.
            return *(uint*)(result + 16);
        }
    }
}
