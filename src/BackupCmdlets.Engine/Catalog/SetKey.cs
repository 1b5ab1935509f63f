using System.Buffers.Binary;
using System.Security.Cryptography;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The opened key of one encrypted set: its master key (what each file's key is derived from), the
/// key of the content MACs that let -Delta compare a copy with an encrypted file, the seed of the
/// page digests (so neither tells anything about the content without the key), and the key of the
/// manifest's MAC.
/// </summary>
internal sealed class SetKey
{
    private readonly byte[] _macKey;
    private readonly byte[] _manifestKey;

    public SetKey(byte[] masterKey)
    {
        MasterKey = masterKey;
        _macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "BackupCmdlets content mac v1"u8.ToArray());
        _manifestKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "BackupCmdlets manifest mac v1"u8.ToArray());
        PageDigestSeed = BinaryPrimitives.ReadUInt64LittleEndian(HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 8, info: "BackupCmdlets page digest v1"u8.ToArray()));
    }

    public byte[] MasterKey { get; }

    public ulong PageDigestSeed { get; }

    /// <summary>A new content MAC, to add content to.</summary>
    public IncrementalHash NewContentMac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _macKey);

    /// <summary>The content MAC of the file at <paramref name="path"/> (lower-case hex).</summary>
    public string ContentMacOf(string path, CancellationToken cancellationToken)
    {
        using var mac = NewContentMac();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        byte[] buffer = new byte[1 << 20];
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            mac.AppendData(buffer, 0, read);
        }

        return Convert.ToHexString(mac.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>The MAC of a manifest's bytes (lower-case hex).</summary>
    public string ManifestMac(byte[] manifest) => Convert.ToHexString(HMACSHA256.HashData(_manifestKey, manifest)).ToLowerInvariant();

    /// <summary>
    /// Stores <paramref name="name"/>'s content encrypted into <paramref name="destination"/>, with its content MAC
    /// unless <paramref name="withContentMac"/> is false (what it is given is compressed: the MAC is of the content before).
    /// </summary>
    public SealedFileWriter Seal(Stream destination, string name, bool withContentMac = true) => new(destination, MasterKey, name, withContentMac ? NewContentMac() : null);

    /// <summary>Opens the encrypted file at <paramref name="path"/>, stored as <paramref name="name"/>.</summary>
    public SealedFileReader Open(string path, string name) => SealedFileReader.Open(path, MasterKey, name);
}
