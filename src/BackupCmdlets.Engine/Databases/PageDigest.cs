using System.Globalization;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// A digest of a relation file's whole pages, in order: XXH64 of each page seeded with the digest so
/// far (from a seed: 0, or in an encrypted set one derived from its key, so the digest tells nothing without it). A differential or incremental set keeps it of each file it stores as pages, as the copy read
/// it, so that Restore-BackupSet -Delta can keep a file already there by reading that file alone.
/// </summary>
internal struct PageDigest(ulong seed)
{
    private ulong _value = seed;

    public void Add(ReadOnlySpan<byte> page) => _value = XxHash64.Hash(page, _value);

    public readonly override string ToString() => _value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The digest of the file at <paramref name="path"/> when it is <paramref name="size"/> bytes of whole pages; null when it is not.</summary>
    public static string? Of(string path, long size, int pageSize, ulong seed, CancellationToken cancellationToken)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        if (RandomAccess.GetLength(file) != size || size % pageSize != 0)
        {
            return null;
        }

        var digest = new PageDigest(seed);
        byte[] buffer = new byte[pageSize * 128];
        for (long offset = 0; offset < size;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read = PositionedRead.Fill(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - offset)), offset);
            if (read == 0 || read % pageSize != 0)
            {
                return null;
            }

            for (int at = 0; at < read; at += pageSize)
            {
                digest.Add(buffer.AsSpan(at, pageSize));
            }

            offset += read;
        }

        return digest.ToString();
    }
}
