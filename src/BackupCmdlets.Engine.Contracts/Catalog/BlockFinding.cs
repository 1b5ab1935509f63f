using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A block that failed its check, with the file and block number.</summary>
public sealed record BlockFinding(string Path, long Block, BlockCheck Verdict, string Message)
{
    public override string ToString() => $"{Path} block {Block}: {Verdict} ({Message})";
}
