using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Tar;

/// <summary>
/// The extended attributes and POSIX ACLs of one archive entry, as the pax records SCHILY.xattr.NAME
/// (the value's bytes) and SCHILY.acl.access / SCHILY.acl.default (text, see <see cref="PosixAcl"/>)
/// that GNU tar writes and reads with --xattrs and --acls.
/// </summary>
internal sealed record EntryXattrs(IReadOnlyDictionary<string, byte[]> Attributes, string? AccessAcl, string? DefaultAcl)
{
    public const string XattrPrefix = "SCHILY.xattr.";
    public const string AccessAclKey = "SCHILY.acl.access";
    public const string DefaultAclKey = "SCHILY.acl.default";

    /// <summary>
    /// What to store of an entry's attributes: with <paramref name="xattrs"/> all but the ACLs, with
    /// <paramref name="acls"/> the ACLs as text. Null when that is nothing.
    /// </summary>
    public static EntryXattrs? From(IReadOnlyDictionary<string, byte[]> attributes, bool xattrs, bool acls)
    {
        var kept = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (xattrs)
        {
            foreach (var (name, value) in attributes.Where(a => !ExtendedAttributes.IsAcl(a.Key)))
            {
                kept[name] = value;
            }
        }

        string? access = acls && attributes.TryGetValue(ExtendedAttributes.AccessAcl, out byte[]? a) ? PosixAcl.ToText(a) : null;
        string? @default = acls && attributes.TryGetValue(ExtendedAttributes.DefaultAcl, out byte[]? d) ? PosixAcl.ToText(d) : null;
        return kept.Count == 0 && access is null && @default is null ? null : new EntryXattrs(kept, access, @default);
    }

    /// <summary>The pax records that store them.</summary>
    public IEnumerable<(string Key, string Value)> ToRecords()
    {
        foreach (var (name, value) in Attributes)
        {
            yield return (XattrPrefix + name, FileNameEncoding.GetString(value));
        }

        if (AccessAcl is not null)
        {
            yield return (AccessAclKey, AccessAcl);
        }

        if (DefaultAcl is not null)
        {
            yield return (DefaultAclKey, DefaultAcl);
        }
    }

    /// <summary>The attributes an entry's pax records hold; null when none.</summary>
    public static EntryXattrs? FromRecords(IEnumerable<KeyValuePair<string, string>> records)
    {
        SortedDictionary<string, byte[]>? attributes = null;
        string? access = null;
        string? @default = null;
        foreach (var (key, value) in records)
        {
            if (key.StartsWith(XattrPrefix, StringComparison.Ordinal))
            {
                (attributes ??= new SortedDictionary<string, byte[]>(StringComparer.Ordinal))[key[XattrPrefix.Length..]] = FileNameEncoding.GetBytes(value);
            }
            else if (key == AccessAclKey)
            {
                access = value;
            }
            else if (key == DefaultAclKey)
            {
                @default = value;
            }
        }

        return attributes is null && access is null && @default is null ? null : new EntryXattrs(attributes ?? new SortedDictionary<string, byte[]>(StringComparer.Ordinal), access, @default);
    }

    /// <summary>
    /// The attributes to set on the extracted entry, ACLs in kernel form: with <paramref name="xattrs"/> those
    /// this process may set (<see cref="ExtendedAttributes.IsRestorable"/>), with <paramref name="acls"/> the ACLs
    /// from their text, or from the raw system.posix_acl_* attributes GNU tar also stores. A FormatException
    /// when an ACL's text is malformed.
    /// </summary>
    public IEnumerable<(string Name, byte[] Value)> ToRestore(bool xattrs, bool acls)
    {
        if (xattrs)
        {
            foreach (var (name, value) in Attributes.Where(a => !ExtendedAttributes.IsAcl(a.Key) && ExtendedAttributes.IsRestorable(a.Key)))
            {
                yield return (name, value);
            }
        }

        if (!acls)
        {
            yield break;
        }

        byte[]? access = AccessAcl is not null ? PosixAcl.FromText(AccessAcl) : Attributes.GetValueOrDefault(ExtendedAttributes.AccessAcl);
        if (access is not null)
        {
            yield return (ExtendedAttributes.AccessAcl, access);
        }

        byte[]? @default = DefaultAcl is not null ? PosixAcl.FromText(DefaultAcl) : Attributes.GetValueOrDefault(ExtendedAttributes.DefaultAcl);
        if (@default is not null)
        {
            yield return (ExtendedAttributes.DefaultAcl, @default);
        }
    }
}
