using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// A POSIX ACL between the kernel's form (the value of system.posix_acl_access or _default: a version
/// word, then one tag, permissions and id per entry) and the text GNU tar stores as SCHILY.acl.access and
/// SCHILY.acl.default: one entry a line, "user:NAME:rw-", owners by name (a number when the id has none),
/// as acl_to_text writes it. Reading takes names or numbers, lines or commas, as acl_from_text does.
/// </summary>
internal static class PosixAcl
{
    private const uint Version = 2;
    private const uint UndefinedId = uint.MaxValue;
    private const ushort UserObject = 0x01;
    private const ushort User = 0x02;
    private const ushort GroupObject = 0x04;
    private const ushort Group = 0x08;
    private const ushort Mask = 0x10;
    private const ushort Other = 0x20;

    /// <summary>The text of a kernel ACL value; a FormatException when it is not one.</summary>
    public static string ToText(byte[] value)
    {
        if (value.Length < 4 || (value.Length - 4) % 8 != 0 || BinaryPrimitives.ReadUInt32LittleEndian(value) != Version)
        {
            throw new FormatException("not a POSIX ACL (version 2) value");
        }

        var text = new StringBuilder();
        for (int offset = 4; offset < value.Length; offset += 8)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(offset));
            ushort permissions = BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(offset + 2));
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(offset + 4));
            string qualifier = tag switch
            {
                User => Name(AccountNames.UserName(id), id),
                Group => Name(AccountNames.GroupName(id), id),
                _ => "",
            };
            string kind = tag switch
            {
                UserObject or User => "user",
                GroupObject or Group => "group",
                Mask => "mask",
                Other => "other",
                _ => throw new FormatException($"unknown ACL tag {tag}"),
            };
            text.Append(kind).Append(':').Append(qualifier).Append(':')
                .Append((permissions & 4) != 0 ? 'r' : '-')
                .Append((permissions & 2) != 0 ? 'w' : '-')
                .Append((permissions & 1) != 0 ? 'x' : '-')
                .Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The kernel ACL value for a text; a FormatException naming what is wrong.</summary>
    public static byte[] FromText(string text)
    {
        var entries = new List<(ushort Tag, uint Id, ushort Permissions)>();
        foreach (string raw in text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string line = raw.StartsWith('#') ? "" : raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(':');
            if (fields.Length is < 2 or > 4)
            {
                throw new FormatException($"the ACL entry '{line}' is not tag:qualifier:permissions");
            }

            // "other::r--" and "mask::r--" may also come as "other:r--".
            string kind = fields[0];
            string qualifier = fields.Length >= 3 ? fields[1] : "";
            string permissions = fields.Length >= 3 ? fields[2] : fields[1];
            ushort tag = kind switch
            {
                "user" or "u" => qualifier.Length == 0 ? UserObject : User,
                "group" or "g" => qualifier.Length == 0 ? GroupObject : Group,
                "mask" or "m" => Mask,
                "other" or "o" => Other,
                _ => throw new FormatException($"the ACL entry '{line}' has an unknown tag"),
            };
            uint id = tag switch
            {
                User => Id(qualifier, AccountNames.UserId(qualifier), line),
                Group => Id(qualifier, AccountNames.GroupId(qualifier), line),
                _ => UndefinedId,
            };
            entries.Add((tag, id, Permissions(permissions, line)));
        }

        if (entries.Count == 0)
        {
            throw new FormatException("the ACL has no entries");
        }

        // The kernel takes entries ordered by tag, then by id.
        entries.Sort((a, b) => a.Tag != b.Tag ? a.Tag.CompareTo(b.Tag) : a.Id.CompareTo(b.Id));
        byte[] value = new byte[4 + 8 * entries.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(value, Version);
        for (int i = 0; i < entries.Count; i++)
        {
            var span = value.AsSpan(4 + 8 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(span, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], entries[i].Permissions);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], entries[i].Id);
        }

        return value;
    }

    private static string Name(string name, uint id) => name.Length > 0 ? name : id.ToString(CultureInfo.InvariantCulture);

    private static uint Id(string qualifier, long byName, string line) =>
        byName >= 0 ? (uint)byName
        : uint.TryParse(qualifier, NumberStyles.None, CultureInfo.InvariantCulture, out uint id) ? id
        : throw new FormatException($"the ACL entry '{line}' names '{qualifier}', which is neither an account here nor a number");

    private static ushort Permissions(string text, string line)
    {
        ushort permissions = 0;
        foreach (char c in text)
        {
            permissions |= c switch
            {
                'r' => (ushort)4,
                'w' => (ushort)2,
                'x' => (ushort)1,
                '-' => (ushort)0,
                _ => throw new FormatException($"the ACL entry '{line}' has the permissions '{text}'"),
            };
        }

        return permissions;
    }
}
