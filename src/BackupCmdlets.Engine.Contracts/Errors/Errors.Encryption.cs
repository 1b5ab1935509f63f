namespace BackupCmdlets.Engine;

/// <summary>The errors of encrypted backup sets and WAL archives.</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition EncryptionKeyRequired = new(nameof(EncryptionKeyRequired), ErrorKind.InvalidArgument, "The set or WAL archive file is encrypted: give -EncryptionKey or -EncryptionKeyFile.");

    public static readonly ErrorDefinition EncryptionKeyWrong = new(nameof(EncryptionKeyWrong), ErrorKind.SecurityError, "The key given is not the one the set or WAL archive file was encrypted with.");

    public static readonly ErrorDefinition EncryptionKeyInvalid = new(nameof(EncryptionKeyInvalid), ErrorKind.InvalidArgument, "The key file cannot be read or holds fewer than 32 bytes, the passphrase is empty, or both were given.");

    public static readonly ErrorDefinition EncryptedFileDamaged = new(nameof(EncryptedFileDamaged), ErrorKind.InvalidData, "An encrypted file or an encrypted set's manifest fails authentication: a byte of it was changed, or it was cut short, moved or swapped.");

    public static readonly ErrorDefinition WalArchiveNotEncrypted = new(nameof(WalArchiveNotEncrypted), ErrorKind.InvalidOperation, "A key was given for a WAL archive that holds its files in the clear: an archive folder is encrypted from its first file on, or never.");

    public static readonly ErrorDefinition EncryptionNotSupported = new(nameof(EncryptionNotSupported), ErrorKind.InvalidOperation, "Encryption is available for PostgreSQL hot and cold sets in the Plain format (and the WAL archive), not for this set.");
}
