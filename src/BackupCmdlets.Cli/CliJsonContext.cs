using System.Text.Json.Serialization;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Engine.Syncing;

namespace BackupCmdlets.Cli;

/// <summary>
/// Every object the CLI prints, described at compile time: <c>--json</c> serializes through it and the
/// text output lists its properties, with no reflection at run time (the CLI is compiled natively).
/// A new result type must be added here.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(ArchiveResult))]
[JsonSerializable(typeof(ArchiveTestResult))]
[JsonSerializable(typeof(ExpandArchiveResult))]
[JsonSerializable(typeof(TarArchiveItem))]
[JsonSerializable(typeof(SyncResult))]
[JsonSerializable(typeof(SyncChange))]
[JsonSerializable(typeof(BackupSet))]
[JsonSerializable(typeof(TestBackupSetResult))]
[JsonSerializable(typeof(RestoreResult))]
[JsonSerializable(typeof(ImportResult))]
[JsonSerializable(typeof(DatafileBlockResult))]
[JsonSerializable(typeof(WalSegmentResult))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
