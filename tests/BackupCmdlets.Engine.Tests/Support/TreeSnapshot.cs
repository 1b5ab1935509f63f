using System.Security.Cryptography;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// Everything about a folder an escaping write could change: each entry below it (by byte-exact name)
/// with its type, mode, owner, modification time, size, link target and content hash, and the folder itself.
/// Two snapshots are equal only when nothing was created, removed or changed.
/// </summary>
public sealed class TreeSnapshot
{
    private readonly SortedDictionary<string, string> _entries = new(StringComparer.Ordinal);

    private TreeSnapshot()
    {
    }

    public static TreeSnapshot Take(string root)
    {
        var snapshot = new TreeSnapshot();
        snapshot.Add(".", root, UnixFileSystem.Lstat(root));
        snapshot.Walk(root, "");
        return snapshot;
    }

    /// <summary>Fails naming every entry that differs.</summary>
    public void AssertUnchangedIn(TreeSnapshot after, string what)
    {
        var differences = _entries.Keys.Union(after._entries.Keys)
            .Where(k => _entries.GetValueOrDefault(k) != after._entries.GetValueOrDefault(k))
            .Select(k => $"{k}: before [{_entries.GetValueOrDefault(k) ?? "absent"}], after [{after._entries.GetValueOrDefault(k) ?? "absent"}]")
            .ToList();
        Assert.True(differences.Count == 0, $"{what}:\n{string.Join("\n", differences)}");
    }

    private void Walk(string directory, string relative)
    {
        foreach (var entry in UnixFileSystem.ReadDirectory(directory))
        {
            string path = Path.Combine(directory, entry.Name);
            string name = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            Add(name, path, entry.Metadata);
            if (entry.Metadata.Kind == FileKind.Directory)
            {
                Walk(path, name);
            }
        }
    }

    private void Add(string name, string path, FileMetadata meta)
    {
        string detail = meta.Kind switch
        {
            FileKind.SymbolicLink => "-> " + UnixFileSystem.ReadLink(path),
            FileKind.File => Hash(path),
            _ => "",
        };
        _entries[name] = $"{meta.Kind} {Convert.ToString(meta.Permissions, 8)} {meta.UserId}:{meta.GroupId} {meta.ModifiedTime} {meta.Size} {detail}";
    }

    private static string Hash(string path)
    {
        using var handle = UnixFileSystem.OpenRead(path);
        using var stream = new FileStream(handle, FileAccess.Read);
        return Convert.ToHexString(SHA256.HashData(stream))[..16];
    }
}
