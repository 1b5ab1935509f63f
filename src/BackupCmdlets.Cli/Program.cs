using System.CommandLine;
using BackupCmdlets.Cli;

// The command names are the cmdlet names and the options their parameter names in kebab case.
// Exit codes: 0 success, 1 problems found or the run finished with errors, 2 bad usage.
var root = new RootCommand("BackupCmdlets: archives, mirrors and database backups (the engine of the PowerShell module).");
root.Options.Add(CliOptions.Json);
foreach (var command in CliCommandCatalog.All())
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"backupcmdlets: {error.Message}");
    }

    Console.Error.WriteLine("Try 'backupcmdlets --help'.");
    return ExitCodes.BadUsage;
}

return await parse.InvokeAsync();
