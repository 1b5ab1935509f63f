using System.Text.Json.Serialization;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// The JSON shape of <c>manifest.json</c> and <c>in-progress.json</c>, generated at compile time (no reflection at run time, so the
/// native CLI can read and write it): camelCase names, enums as their names, indented.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BackupSetManifest))]
[JsonSerializable(typeof(InProgressMarker))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
