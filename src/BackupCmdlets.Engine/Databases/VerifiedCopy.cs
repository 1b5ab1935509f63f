using System.Buffers;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Copies a set file out while hashing it, for a restore into an empty folder that checks each file as
/// it reads it instead of hashing the whole set first: a file that is not the one the manifest lists
/// (size, SHA-256 as stored), or a compressed one that does not expand, is a BackupSetVerificationFailed error once read,
/// and the restore removes what it wrote.
/// </summary>
internal static class VerifiedCopy
{
    private const int BufferSize = 1 << 20;

    /// <param name="set">The set the file is in.</param>
    public static async Task CopyAsync(SetContent set, ManifestFile expected, Stream output, CancellationToken cancellationToken)
    {
        if (expected.Compression is not null)
        {
            await CopyCompressedAsync(set, expected, output, cancellationToken);
            return;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var input = set.OpenRead(expected.Path);
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        string sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        EnsureAsListed(set, expected, size, sha256);
    }

    /// <summary>
    /// A compressed file: its stored bytes (a small part of its content) are hashed first, so it is the file
    /// the set wrote, then it is expanded with each frame's own checksum checked, rather than hashing all of
    /// its content, which would lengthen the restore of its largest file by as much as its expansion takes.
    /// </summary>
    private static async Task CopyCompressedAsync(SetContent set, ManifestFile expected, Stream output, CancellationToken cancellationToken)
    {
        var stored = ManifestFile.FromFile(set.SetPath, expected.Path, expected.Mode, cancellationToken);
        EnsureAsListed(set, expected, stored.Size, stored.Sha256);
        try
        {
            await set.CopyContentAsync(expected, output, cancellationToken);
        }
        catch (BackupException ex) when (ex.Error == Errors.BackupSetFileChanged)
        {
            throw Failed(set, expected, ex.Message);
        }
    }

    private static void EnsureAsListed(SetContent set, ManifestFile expected, long size, string sha256)
    {
        if (size != expected.Size || sha256 != expected.Sha256)
        {
            throw Failed(set, expected, $"{expected.Path} differs from the manifest (size {size}, expected {expected.Size}; SHA-256 {sha256[..12]}..., expected {expected.Sha256[..12]}...).");
        }
    }

    private static BackupException Failed(SetContent set, ManifestFile file, string why) =>
        new(Errors.BackupSetVerificationFailed, $"The set '{set.SetPath}' does not pass verification, so nothing was restored: {why}", Path.Combine(set.SetPath, file.Path));
}
