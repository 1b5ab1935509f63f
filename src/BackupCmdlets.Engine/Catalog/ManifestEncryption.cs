namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// How an encrypted set is encrypted (never the key): the cipher and file layout, how the master key
/// comes from the secret (PBKDF2-SHA256 with <paramref name="Iterations"/> rounds for a passphrase,
/// HKDF-SHA256 for a key file) with the set's own <paramref name="Salt"/> (base64), and a check value
/// (16 bytes of HMAC-SHA256 under the master key, hex) that tells a wrong key before any file is read.
/// </summary>
internal sealed record ManifestEncryption(string Scheme, string Kdf, int Iterations, string Salt, string KeyCheck)
{
    public const string SchemeName = "AES-256-GCM/BCSEAL01";
    public const string PassphraseKdf = "PBKDF2-SHA256";
    public const string KeyFileKdf = "HKDF-SHA256";
}
