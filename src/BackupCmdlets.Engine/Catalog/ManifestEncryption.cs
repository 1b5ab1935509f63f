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

    /// <summary>The error for <paramref name="what"/> (a set, a WAL archive) encrypted this way and opened without a key: it names the parameter that gives one.</summary>
    public BackupException KeyRequired(string what, string path)
    {
        bool keyFile = Kdf == KeyFileKdf;
        return new BackupException(
            Errors.EncryptionKeyRequired,
            $"{what} '{path}' is encrypted ({Scheme}, with a {(keyFile ? "key file" : "passphrase")}): give {ParameterNames.Of(keyFile ? "EncryptionKeyFile" : "EncryptionKey")}.",
            path);
    }
}
