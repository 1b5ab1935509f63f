namespace BackupCmdlets.Engine.IO;

/// <summary>
/// The names of in-progress files: hidden, beside their target, and recognisable, so a later run
/// (or an admin) can tell them from real data and remove them.
/// </summary>
internal static class TemporaryName
{
    public const string Suffix = ".bkc-tmp";

    /// <summary>A fresh temporary path in the same folder as <paramref name="finalPath"/>.</summary>
    public static string For(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath) ?? ".", ForName(Path.GetFileName(finalPath)));

    /// <summary>A fresh temporary name (no folder) for an entry named <paramref name="name"/>.</summary>
    public static string ForName(string name)
    {
        // Uniqueness, not secrecy: the file is created with O_EXCL. (The system's cryptographic generator
        // would load OpenSSL, a few milliseconds of start-up for a quick sync.)
        string random = Random.Shared.NextInt64(1L << 48).ToString("x12");
        string candidate = $".{name}.{random}{Suffix}";
        return FileNameEncoding.GetByteCount(candidate) > 255 ? $".{random}{Suffix}" : candidate;
    }

    /// <summary>True for a name made by <see cref="For"/>.</summary>
    public static bool IsTemporary(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(Suffix, StringComparison.Ordinal);
}
