using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>A block that failed its check, with the file and block number.</summary>
public sealed record BlockFinding(string Path, long Block, BlockCheck Verdict, string Message);

/// <summary>The block checks done while copying and what they found.</summary>
public sealed record BlockCheckSummary(int BlockSize, long Checked, long Torn, long Corrupt, IReadOnlyList<BlockFinding> Findings)
{
    public static BlockCheckSummary None { get; } = new(0, 0, 0, 0, []);
}
