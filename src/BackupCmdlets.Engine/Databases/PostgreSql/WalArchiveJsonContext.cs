using System.Text.Json.Serialization;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>The JSON shape of an encrypted WAL archive's record (<see cref="WalArchiveRecord"/>), generated at compile time as the manifest's is.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WalArchiveRecord))]
internal sealed partial class WalArchiveJsonContext : JsonSerializerContext;
