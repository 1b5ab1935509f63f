using System.CommandLine;
using System.Net;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Cli;

/// <summary>
/// The options Start-HotBackup and Start-ColdBackup share. The password comes from the connection
/// string, PGPASSWORD (read by Npgsql) or BACKUPCMDLETS_PASSWORD; never from the command line's own options.
/// </summary>
internal sealed class DatabaseCliOptions
{
    public const string PasswordVariable = "BACKUPCMDLETS_PASSWORD";

    public Option<DatabaseEngine> Engine { get; } = new("--engine") { Description = "PostgreSql, Sqlite or Oracle.", Required = true };

    public Option<string> ConnectionString { get; } = new("--connection-string") { Description = "Npgsql keywords, or Data Source=file for SQLite.", Required = true };

    public Option<string> DestinationPath { get; } = new("--destination-path") { Description = "The repository folder; the set is a new folder in it.", Required = true };

    public Option<int?> ThrottleLimit { get; } = new("--throttle-limit") { Description = "Files copied, and tar chunks compressed, at the same time (default: hot backups one at a time, cold backups one per core)." };

    public Option<BackupFormat> Format { get; } = new("--format") { Description = "Plain (default) or Tar (one tar per data directory and tablespace)." };

    public Option<ArchiveCompression> Compression { get; } = new("--compression") { Description = "None, GZip or BZip2 (compression implies --format Tar)." };

    public Option<string?> Label { get; } = new("--label") { Description = "A label recorded in the set." };

    public Option<string?> OracleDriverPath { get; } = new("--oracle-driver-path") { Description = "Oracle: Oracle.ManagedDataAccess.dll (ODP.NET) or its folder; default: BACKUPCMDLETS_ORACLE_DRIVER, then beside the tool." };

    public void AddTo(Command command)
    {
        command.Options.Add(Engine);
        command.Options.Add(ConnectionString);
        command.Options.Add(DestinationPath);
        command.Options.Add(ThrottleLimit);
        command.Options.Add(Format);
        command.Options.Add(Compression);
        command.Options.Add(Label);
        command.Options.Add(OracleDriverPath);
    }

    public StartBackupRequest Request(ParseResult parse) =>
        new(parse.GetValue(Engine), parse.GetValue(ConnectionString)!, Path.GetFullPath(parse.GetValue(DestinationPath)!))
        {
            WorkingDirectory = Environment.CurrentDirectory,
            Credential = Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password ? new NetworkCredential("", password) : null,
            ThrottleLimit = parse.GetValue(ThrottleLimit),
            Format = parse.GetValue(Format),
            Compression = parse.GetValue(Compression),
            Label = parse.GetValue(Label),
            OracleDriverPath = parse.GetValue(OracleDriverPath) is { } driver ? Path.GetFullPath(driver) : null,
        };
}
