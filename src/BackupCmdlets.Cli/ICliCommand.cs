using System.CommandLine;

namespace BackupCmdlets.Cli;

/// <summary>One CLI command: the cmdlet of the same name, over the same engine request.</summary>
internal interface ICliCommand
{
    Command Build();
}
