using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving.Compression;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// The WAL archive's layout, in one place. Backup-WalSegment stores the WAL file <c>NAME</c> as
/// <c>ARCHIVE/NAME.zst</c>: a zstd skippable frame (magic 0x184D2A5B) whose 40-byte payload is
/// <c>BCWALSHA</c> and the SHA-256 of the plain file, then one zstd frame with its content size and
/// content checksum. The zstd tool (and every zstd reader) skips the first frame, so <c>zstd -dc</c>
/// still restores the file; the SHA-256 lets a repeated archive_command compare without decompressing
/// and a fetch prove the content is what was archived. One file per WAL file, so a name is in the
/// archive whole or not at all. Archives filled by a <c>cp</c>-style archive_command hold <c>NAME</c>
/// plain (or <c>NAME.gz</c>); those are read too, ours first. In an encrypted archive
/// (<see cref="WalArchiveEncryption"/>) <c>NAME.zst</c> is that same content sealed (<see cref="IO.SealedFile"/>)
/// under the archive's master key with <c>NAME</c> as the sealed file's name, so a file renamed to another
/// WAL file's name fails authentication; only that form is read there.
/// </summary>
internal static class WalArchiveFormat
{
    public const string Suffix = StoredRedo.ZstdSuffix;

    /// <summary>The zstd level: its fastest, as for the WAL in Zstd sets; archive_command runs once per segment.</summary>
    public const int Level = 1;

    private const uint ChecksumFrameMagic = 0x184D2A5B;
    private const int ChecksumPayloadLength = 40;
    private static ReadOnlySpan<byte> ChecksumTag => "BCWALSHA"u8;

    /// <summary>The names a WAL file may have in an archive, in the order they are looked for (in an encrypted one, <paramref name="encrypted"/>, only ours).</summary>
    public static IEnumerable<string> Candidates(string archive, string name, bool encrypted = false) => encrypted
        ? [Path.Combine(archive, name + Suffix)]
        :
        [
            Path.Combine(archive, name + Suffix),
            Path.Combine(archive, name),
            Path.Combine(archive, name + StoredRedo.GzipSuffix),
        ];

    /// <summary>Where <paramref name="name"/> is in <paramref name="archive"/>, in any of its forms (in an encrypted one, only ours); null when it is not.</summary>
    public static string? Find(string archive, string name, bool encrypted = false) => Candidates(archive, name, encrypted).FirstOrDefault(File.Exists);

    /// <summary>Whether <paramref name="archive"/> holds a WAL file in any form (ours, plain or .gz).</summary>
    public static bool HoldsWalFiles(string archive) =>
        Directory.EnumerateFiles(archive).Any(f => WalFileName.TryParse(StoredRedo.Unsuffixed(Path.GetFileName(f)), out _));

    /// <summary>Whether Backup-WalSegment writes into <paramref name="archive"/>: it holds a WAL file stored our way.</summary>
    public static bool HoldsOurFiles(string archive) =>
        Directory.EnumerateFiles(archive, "*" + Suffix).Any(f => WalFileName.TryParse(Path.GetFileName(f)[..^Suffix.Length], out _));

    /// <summary>Our file for <paramref name="content"/>: the checksum frame, then the compressed frame.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> content, ReadOnlySpan<byte> sha256)
    {
        byte[] frame = new byte[8 + ChecksumPayloadLength + ZstdFrameCompressor.MaxOutputLength(content.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, ChecksumFrameMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), ChecksumPayloadLength);
        ChecksumTag.CopyTo(frame.AsSpan(8));
        sha256.CopyTo(frame.AsSpan(16));
        int written = ZstdFrameCompressor.Compress(content, frame.AsSpan(8 + ChecksumPayloadLength), Level);
        return frame[..(8 + ChecksumPayloadLength + written)];
    }

    /// <summary>The SHA-256 recorded at the start of the archived file at <paramref name="path"/> (sealed under <paramref name="key"/> when given); null when it has none (not written by us).</summary>
    public static byte[]? RecordedSha256(string path, byte[]? key = null)
    {
        if (!path.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        Span<byte> head = stackalloc byte[8 + ChecksumPayloadLength];
        using var file = key is null
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1)
            : IO.SealedFileReader.Open(path, key, StoredRedo.Unsuffixed(Path.GetFileName(path))).AsStream();
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(head) != ChecksumFrameMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) != ChecksumPayloadLength
            || !head.Slice(8, 8).SequenceEqual(ChecksumTag))
        {
            return null;
        }

        return head[16..].ToArray();
    }

    /// <summary>
    /// The plain content of the archived file at <paramref name="path"/>, every check its form allows done:
    /// zstd's content checksum and our SHA-256, gzip's CRC. Damage is a <see cref="BackupException"/>
    /// (<see cref="Errors.WalArchiveFileDamaged"/>). With <paramref name="key"/> (an encrypted archive) the
    /// file is authenticated first: a change, a cut or a rename is <see cref="Errors.EncryptedFileDamaged"/>.
    /// </summary>
    public static byte[] ReadContent(string path, byte[]? key, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            using var input = StoredRedo.OpenRead(path, key);
            using var buffer = new MemoryStream();
            input.CopyTo(buffer, 1 << 20);
            content = buffer.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException || (ex is BackupException damaged && damaged.Error != Errors.EncryptedFileDamaged))
        {
            throw Damaged(path, $"it does not decompress ({ex.Message})", ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (RecordedSha256(path, key) is { } recorded && !SHA256.HashData(content).AsSpan().SequenceEqual(recorded))
        {
            throw Damaged(path, $"its content's SHA-256 is {Hex(SHA256.HashData(content))}, and {Hex(recorded)} was recorded when it was archived", null);
        }

        return content;
    }

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).ToLowerInvariant();

    public static BackupException Damaged(string path, string why, Exception? inner) =>
        new(Errors.WalArchiveFileDamaged, $"The archived WAL file '{path}' is damaged: {why}. Recovery cannot use it; move it aside and archive the file again from a server or a backup set that has it.", path, inner);
}
