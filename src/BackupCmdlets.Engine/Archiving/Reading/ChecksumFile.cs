namespace BackupCmdlets.Engine.Archiving.Reading;

/// <summary>The <c>archive.sha256</c> file beside an archive, in the format <c>sha256sum -c</c> reads.</summary>
internal static class ChecksumFile
{
    /// <summary>The hash the .sha256 file gives for the archive, or null when there is no such file.</summary>
    public static string? Expected(string archivePath)
    {
        string path = archivePath + ".sha256";
        if (!File.Exists(path))
        {
            return null;
        }

        string name = Path.GetFileName(archivePath);
        foreach (string line in File.ReadLines(path))
        {
            var parts = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].TrimStart('*').Trim() == name && parts[0].Length == 64)
            {
                return parts[0];
            }
        }

        return "(no line for this archive)";
    }
}
