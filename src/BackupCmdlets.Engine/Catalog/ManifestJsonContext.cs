using System.Text.Json.Serialization;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The JSON shape of <c>manifest.json</c>, <c>in-progress.json</c> and an encrypted WAL archive's record, generated at compile time (no reflection at run time, so the
/// native CLI can read and write it): camelCase names, enums as their names, indented.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BackupSetManifest))]
[JsonSerializable(typeof(InProgressMarker))]
[JsonSerializable(typeof(Databases.PostgreSql.WalArchiveRecord))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
