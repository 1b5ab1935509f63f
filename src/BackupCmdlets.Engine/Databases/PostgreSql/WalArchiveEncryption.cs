using System.Text.Json;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Whether a WAL archive is encrypted, and its master key. An encrypted archive holds one record,
/// <see cref="RecordName"/> (<see cref="WalArchiveRecord"/>: scheme, key derivation, salt and key check,
/// never the key), written by its first encrypted push without replacing anything; every WAL file in it
/// is then its <c>.zst</c> form sealed under the archive's master key with the WAL file's name (see
/// <see cref="WalArchiveFormat"/>). An archive is encrypted from its first file on, or never: a push
/// without the key into an encrypted archive, or with a key into one holding files in the clear, is refused.
/// </summary>
internal static class WalArchiveEncryption
{
    public const string RecordName = "backupcmdlets-archive.json";

    public static string RecordPath(string archive) => Path.Combine(archive, RecordName);

    /// <summary>How the archive's files are encrypted; null for an archive in the clear (it has no record).</summary>
    public static ManifestEncryption? Read(string archive)
    {
        string path = RecordPath(archive);
        WalArchiveRecord? record;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            record = JsonSerializer.Deserialize(stream, WalArchiveJsonContext.Default.WalArchiveRecord);
        }
        catch (Exception ex) when (ex is FileNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            throw Damaged(path, ex);
        }

        return record is { Format: WalArchiveRecord.FormatName, Encryption: { } encryption } ? encryption : throw Damaged(path, null);
    }

    /// <summary>
    /// The master key to read the archive's files with; null for an archive in the clear. An encrypted
    /// archive without <paramref name="secret"/> is <see cref="Errors.EncryptionKeyRequired"/>, with the wrong
    /// one <see cref="Errors.EncryptionKeyWrong"/>. With <paramref name="mustBeEncrypted"/> (Restore-WalSegment
    /// given a key), an archive in the clear is <see cref="Errors.WalArchiveNotEncrypted"/>: a removed record
    /// must not let files in the clear pass for authenticated ones.
    /// </summary>
    public static byte[]? KeyToRead(string archive, EncryptionSecret? secret, bool mustBeEncrypted)
    {
        if (Read(archive) is not { } encryption)
        {
            return mustBeEncrypted
                ? throw new BackupException(Errors.WalArchiveNotEncrypted, $"A key was given, and the WAL archive '{archive}' is not encrypted (it has no {RecordName}): its files are read without a key.", archive)
                : null;
        }

        if (secret is null)
        {
            throw encryption.KeyRequired("The WAL archive", archive);
        }

        return secret.MasterKey(encryption, RecordPath(archive));
    }

    /// <summary>
    /// For Backup-WalSegment: the master key to store files with (creating the record when the archive
    /// has no WAL file yet), or null to store them in the clear.
    /// </summary>
    public static byte[]? KeyToWrite(string archive, EncryptionSecret? secret)
    {
        if (Read(archive) is { } encryption)
        {
            return secret is null ? throw encryption.KeyRequired("The WAL archive", archive) : secret.MasterKey(encryption, RecordPath(archive));
        }

        if (secret is null)
        {
            return null;
        }

        if (WalArchiveFormat.HoldsWalFiles(archive))
        {
            throw new BackupException(
                Errors.WalArchiveNotEncrypted,
                $"The WAL archive '{archive}' holds WAL files in the clear, and encrypted files never join them: give an encrypted archive a folder of its own (or archive into this one without a key).",
                archive);
        }

        var created = secret.NewEncryption();
        string path = RecordPath(archive);
        using (var writer = AtomicFileWriter.Create(path))
        {
            JsonSerializer.Serialize(writer.Stream, new WalArchiveRecord(WalArchiveRecord.FormatName, created), WalArchiveJsonContext.Default.WalArchiveRecord);
            try
            {
                writer.Commit(overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another push created it between the look and the rename: its record is the archive's.
                return KeyToWrite(archive, secret);
            }
        }

        return secret.MasterKey(created, path);
    }

    private static BackupException Damaged(string path, Exception? inner) =>
        new(Errors.EncryptedFileDamaged, $"The WAL archive's encryption record '{path}' is damaged: it is not the JSON Backup-WalSegment writes. Without it the archive's files cannot be opened; restore it from a copy.", path, inner);
}
