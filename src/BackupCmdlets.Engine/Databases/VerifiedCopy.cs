using System.Buffers;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Copies a set file out while hashing it, for a restore into an empty folder that checks each file as
/// it reads it instead of hashing the whole set first: a file that is not the one the manifest lists
/// (size, SHA-256; a compressed file's content) or that does not expand is a BackupSetVerificationFailed error once read,
/// and the restore removes what it wrote.
/// </summary>
internal static class VerifiedCopy
{
    private const int BufferSize = 1 << 20;

    /// <param name="set">The set the file is in.</param>
    public static async Task CopyAsync(SetContent set, ManifestFile expected, Stream output, CancellationToken cancellationToken)
    {
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
        catch (BackupException ex) when (ex.Error == Errors.BackupSetFileChanged)
        {
            throw Failed(set, expected, ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // A compressed file is checked by its content; any other by its bytes as stored, which here are its content.
        long expectedSize = expected.ContentSize ?? expected.Size;
        string expectedSha256 = expected.ContentSha256 ?? expected.Sha256;
        string sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        if (size != expectedSize || sha256 != expectedSha256)
        {
            throw Failed(set, expected, $"{expected.Path} differs from the manifest (size {size}, expected {expectedSize}; SHA-256 {sha256[..12]}..., expected {expectedSha256[..12]}...).");
        }
    }

    private static BackupException Failed(SetContent set, ManifestFile file, string why) =>
        new(Errors.BackupSetVerificationFailed, $"The set '{set.SetPath}' does not pass verification, so nothing was restored: {why}", Path.Combine(set.SetPath, file.Path));
}
