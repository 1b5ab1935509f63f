namespace BackupCmdlets.Engine.Catalog;

/// <summary>The block checks done while copying and what they found.</summary>
internal sealed record BlockCheckSummary(int BlockSize, long Checked, long Torn, long Corrupt, IReadOnlyList<BlockFinding> Findings);
