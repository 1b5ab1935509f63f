namespace BackupCmdlets.Cli;

/// <summary>The CLI's exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int ProblemsFound = 1;
    public const int BadUsage = 2;
}
