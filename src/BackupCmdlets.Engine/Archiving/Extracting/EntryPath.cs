namespace BackupCmdlets.Engine.Archiving.Extracting;

/// <summary>
/// Turns an entry name into a safe relative path: "." segments and repeated slashes are dropped; an
/// absolute name or any ".." segment is refused (as GNU tar refuses "..", and because ".." after a
/// symlink climbs relative to the link's target, not lexically).
/// </summary>
internal static class EntryPath
{
    /// <summary>The normalised relative path ("" for the archive root itself).</summary>
    public static string Normalize(string name, string archivePath)
    {
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':') || name.StartsWith('\\'))
        {
            throw Unsafe(name, archivePath, "it is an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var kept = new List<string>(segments.Length);
        foreach (string segment in segments)
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw Unsafe(name, archivePath, "it contains '..'");
            }

            if (segment.Contains('\0'))
            {
                throw Unsafe(name, archivePath, "it contains a NUL character");
            }

            kept.Add(segment);
        }

        return string.Join('/', kept);
    }

    public static BackupException Unsafe(string name, string archivePath, string why) =>
        new(Errors.UnsafeEntryPath, $"The entry '{name}' was refused because {why}; nothing was written for it.", archivePath);
}
