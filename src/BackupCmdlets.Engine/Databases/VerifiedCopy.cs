using System.Buffers;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Copies a set file out while hashing it, for a restore into an empty folder that checks each file as
/// it reads it instead of hashing the whole set first: a file that is not the one the manifest lists
/// (size, SHA-256) is a BackupSetVerificationFailed error once read, and the restore removes what it wrote.
/// </summary>
internal static class VerifiedCopy
{
    private const int BufferSize = 1 << 20;

    /// <param name="setPath">The set folder the file is in, for the message.</param>
    public static async Task CopyAsync(Stream input, Stream output, ManifestFile expected, string setPath, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
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
        if (size != expected.Size || sha256 != expected.Sha256)
        {
            throw new BackupException(
                Errors.BackupSetVerificationFailed,
                $"The set '{setPath}' does not pass verification, so nothing was restored: {expected.Path} differs from the manifest (size {size}, expected {expected.Size}; SHA-256 {sha256[..12]}..., expected {expected.Sha256[..12]}...).",
                Path.Combine(setPath, expected.Path));
        }
    }
}
