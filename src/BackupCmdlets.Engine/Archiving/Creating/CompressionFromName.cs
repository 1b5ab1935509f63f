namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// The compression an archive's name promises (<c>.tar.gz</c>, <c>.tgz</c>: gzip; <c>.tar.bz2</c>,
/// <c>.tbz2</c>: bzip2; <c>.tar.zst</c>, <c>.tzst</c>: zstd; <c>.tar</c>: none), so <c>New-TarArchive src x.tar.gz</c> writes gzip without
/// being told, and a name that says one thing while -Compression says another is refused.
/// </summary>
internal static class CompressionFromName
{
    private static readonly (string Suffix, ArchiveCompression Compression)[] Written =
    [
        (".tar.gz", ArchiveCompression.GZip), (".tgz", ArchiveCompression.GZip), (".taz", ArchiveCompression.GZip), (".gz", ArchiveCompression.GZip),
        (".tar.bz2", ArchiveCompression.BZip2), (".tbz2", ArchiveCompression.BZip2), (".tbz", ArchiveCompression.BZip2), (".tb2", ArchiveCompression.BZip2), (".bz2", ArchiveCompression.BZip2),
        (".tar.zst", ArchiveCompression.Zstd), (".tzst", ArchiveCompression.Zstd), (".zst", ArchiveCompression.Zstd),
        (".tar", ArchiveCompression.None),
    ];

    private static readonly (string Suffix, string Format)[] NotWritten =
    [
        (".xz", "xz"), (".txz", "xz"), (".lz", "lzip"), (".lzma", "lzma"), (".tlz", "lzma"), (".lz4", "lz4"), (".Z", "compress"), (".zip", "zip"), (".7z", "7-Zip"),
    ];

    /// <summary>The compression to write: the requested one, else the one the name promises, else none.</summary>
    public static ArchiveCompression Resolve(ArchiveCompression? requested, string destination)
    {
        string name = Path.GetFileName(destination);
        var promised = Written.FirstOrDefault(w => name.EndsWith(w.Suffix, StringComparison.OrdinalIgnoreCase));
        var other = NotWritten.FirstOrDefault(n => name.EndsWith(n.Suffix, n.Suffix == ".Z" ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase));
        if (other.Format is not null)
        {
            throw new BackupException(
                Errors.CompressionContradictsName,
                $"The archive name '{name}' promises {other.Format}, which New-TarArchive does not write: name it .tar, .tar.gz, .tar.bz2 or .tar.zst.",
                destination);
        }

        if (requested is not { } compression)
        {
            return promised.Suffix is null ? ArchiveCompression.None : promised.Compression;
        }

        if (promised.Suffix is not null && promised.Compression != compression)
        {
            throw new BackupException(
                Errors.CompressionContradictsName,
                $"The archive name '{name}' promises {Describe(promised.Compression)}, but {compression} compression was asked for: change the name or the compression.",
                destination);
        }

        return compression;
    }

    private static string Describe(ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.None => "an uncompressed tar",
        ArchiveCompression.GZip => "gzip",
        ArchiveCompression.Zstd => "zstd",
        _ => "bzip2",
    };
}
