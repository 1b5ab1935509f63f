using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// The content of <see cref="WalArchiveEncryption.RecordName"/> in an encrypted WAL archive: what the
/// archive is (<paramref name="Format"/>) and how its files are encrypted (never the key).
/// </summary>
internal sealed record WalArchiveRecord(string Format, ManifestEncryption Encryption)
{
    public const string FormatName = "BackupCmdlets WAL archive v1";
}
