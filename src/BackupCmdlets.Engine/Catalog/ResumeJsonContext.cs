using System.Text.Json.Serialization;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>The JSON lines of <c>resume.jsonl</c> (<see cref="ResumeJournal"/>): one object per line, so not indented.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResumeHeader))]
[JsonSerializable(typeof(ResumeEntry))]
internal sealed partial class ResumeJsonContext : JsonSerializerContext;
