using System.CommandLine;

namespace BackupCmdlets.Cli;

/// <summary>Options every command shares.</summary>
internal static class CliOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print result objects as JSON lines instead of text.",
        Recursive = true,
    };
}
