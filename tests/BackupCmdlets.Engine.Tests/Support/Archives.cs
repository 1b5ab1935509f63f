using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Short calls to the archive engine for tests.</summary>
internal static class Archives
{
    public static ArchiveResult Create(string source, string archive, ArchiveCompression compression = ArchiveCompression.None, bool force = false, bool checksum = false, int? level = null) =>
        ArchiveWriter.CreateAsync(new CreateArchiveRequest([source], archive) { Compression = compression, Force = force, Checksum = checksum, CompressionLevel = level }, null, CancellationToken.None).GetAwaiter().GetResult();

    public static ArchiveTestResult Test(string archive, string? compare = null) =>
        ArchiveTester.TestAsync(new TestArchiveRequest(archive) { Compare = compare }, null, CancellationToken.None).GetAwaiter().GetResult();

    public static ExpandArchiveResult Expand(string archive, string destination, bool force = false, bool preserveOwner = false, params string[] include) =>
        ArchiveExtractor.ExpandAsync(new ExpandArchiveRequest(archive, destination) { Force = force, PreserveOwner = preserveOwner, Include = include }, null, CancellationToken.None).GetAwaiter().GetResult();

    public static ArchiveListing List(string archive) =>
        ArchiveReader.ListAsync(new ListArchiveRequest(archive), null, CancellationToken.None).GetAwaiter().GetResult();

    public static string Suffix(ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.GZip => ".tar.gz",
        ArchiveCompression.BZip2 => ".tar.bz2",
        ArchiveCompression.Xz => ".tar.xz",
        ArchiveCompression.Zstd => ".tar.zst",
        _ => ".tar",
    };

    /// <summary>Modification times of every entry below <paramref name="root"/>, to the nanosecond.</summary>
    public static Dictionary<string, UnixTime> Times(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(root, p), p => UnixFileSystem.Lstat(p).ModifiedTime);

    /// <summary>Every file below <paramref name="root"/> that is an in-progress temporary.</summary>
    public static string[] Temporaries(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(p => TemporaryName.IsTemporary(Path.GetFileName(p))).ToArray();
}
