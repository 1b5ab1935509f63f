using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The secret an encrypted set or WAL archive is opened with: a passphrase (stretched with PBKDF2) or
/// the bytes of a key file (at least 32, as from <c>head -c 32 /dev/urandom</c>). It derives each
/// set's master key from the set's salt; it never leaves this process.
/// </summary>
internal sealed class EncryptionSecret
{
    public const int MinimumKeyFileLength = 32;
    private const int PassphraseIterations = 600_000;
    private static ReadOnlySpan<byte> KeyCheckLabel => "BackupCmdlets key check v1"u8;

    private readonly byte[] _secret;

    private EncryptionSecret(byte[] secret, bool fromKeyFile, string source)
    {
        _secret = secret;
        FromKeyFile = fromKeyFile;
        Source = source;
    }

    public bool FromKeyFile { get; }

    /// <summary>What the secret came from, for messages: "the key file '...'" or "the passphrase".</summary>
    public string Source { get; }

    /// <summary>The secret the request gives (a passphrase, or a key file); null when it gives none.</summary>
    public static EncryptionSecret? From(SecureString? passphrase, string? keyFile)
    {
        if (passphrase is not null && keyFile is not null)
        {
            throw new BackupException(Errors.EncryptionKeyInvalid, $"Give {ParameterNames.Of("EncryptionKey")} or {ParameterNames.Of("EncryptionKeyFile")}, not both.");
        }

        if (keyFile is not null)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(keyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BackupException(Errors.EncryptionKeyInvalid, $"The key file '{keyFile}' cannot be read: {ex.Message}", keyFile);
            }

            if (bytes.Length < MinimumKeyFileLength)
            {
                throw new BackupException(Errors.EncryptionKeyInvalid, $"The key file '{keyFile}' holds {bytes.Length} bytes; a key file needs at least {MinimumKeyFileLength} (make one with: head -c 32 /dev/urandom > FILE; chmod 600 FILE).", keyFile);
            }

            return new EncryptionSecret(bytes, fromKeyFile: true, $"the key file '{keyFile}'");
        }

        if (passphrase is null)
        {
            return null;
        }

        if (passphrase.Length == 0)
        {
            throw new BackupException(Errors.EncryptionKeyInvalid, "The passphrase is empty.");
        }

        IntPtr text = Marshal.SecureStringToGlobalAllocUnicode(passphrase);
        char[] chars = new char[passphrase.Length];
        try
        {
            Marshal.Copy(text, chars, 0, chars.Length);
            return new EncryptionSecret(Encoding.UTF8.GetBytes(chars), fromKeyFile: false, "the passphrase");
        }
        finally
        {
            Array.Clear(chars);
            Marshal.ZeroFreeGlobalAllocUnicode(text);
        }
    }

    /// <summary>A new set's encryption record: a fresh salt, and the check value of the master key it gives.</summary>
    public ManifestEncryption NewEncryption()
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        var draft = new ManifestEncryption(
            ManifestEncryption.SchemeName,
            FromKeyFile ? ManifestEncryption.KeyFileKdf : ManifestEncryption.PassphraseKdf,
            FromKeyFile ? 0 : PassphraseIterations,
            Convert.ToBase64String(salt),
            "");
        return draft with { KeyCheck = CheckValue(Derive(draft)) };
    }

    /// <summary>The master key of a set encrypted as <paramref name="encryption"/> says; an EncryptionKeyWrong error naming <paramref name="path"/> when this secret is not its key.</summary>
    public byte[] MasterKey(ManifestEncryption encryption, string path)
    {
        if (encryption.Scheme != ManifestEncryption.SchemeName)
        {
            throw new BackupException(Errors.EncryptionNotSupported, $"'{path}' is encrypted with '{encryption.Scheme}', which this version does not read.", path);
        }

        bool wantsKeyFile = encryption.Kdf == ManifestEncryption.KeyFileKdf;
        if (wantsKeyFile != FromKeyFile)
        {
            throw new BackupException(Errors.EncryptionKeyWrong, $"'{path}' was encrypted with a {(wantsKeyFile ? "key file" : "passphrase")}; give it with {ParameterNames.Of(wantsKeyFile ? "EncryptionKeyFile" : "EncryptionKey")} (not {Source}).", path);
        }

        byte[] master = Derive(encryption);
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(CheckValue(master)), Convert.FromHexString(encryption.KeyCheck)))
        {
            throw new BackupException(Errors.EncryptionKeyWrong, $"{char.ToUpperInvariant(Source[0])}{Source[1..]} is not the key '{path}' was encrypted with.", path);
        }

        return master;
    }

    private byte[] Derive(ManifestEncryption encryption)
    {
        byte[] salt = Convert.FromBase64String(encryption.Salt);
        return encryption.Kdf switch
        {
            ManifestEncryption.PassphraseKdf => Rfc2898DeriveBytes.Pbkdf2(_secret, salt, encryption.Iterations, HashAlgorithmName.SHA256, IO.SealedFile.KeyLength),
            ManifestEncryption.KeyFileKdf => HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, IO.SealedFile.KeyLength, salt, "BackupCmdlets master key v1"u8.ToArray()),
            _ => throw new BackupException(Errors.EncryptionNotSupported, $"The key derivation '{encryption.Kdf}' is not one this version reads."),
        };
    }

    private static string CheckValue(byte[] master) =>
        Convert.ToHexString(HMACSHA256.HashData(master, KeyCheckLabel)[..16]).ToLowerInvariant();
}
