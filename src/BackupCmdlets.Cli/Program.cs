using System.CommandLine;
using System.Runtime.InteropServices;
using BackupCmdlets.Cli;
using BackupCmdlets.Engine;

// The command names are the cmdlet names and the options their parameter names in kebab case
// (the engine's messages name them so too).
// Exit codes: 0 success, 1 problems found or the run finished with errors, 2 bad usage.
ParameterNames.Spelling = CliOptions.NameOf;
var root = new RootCommand("BackupCmdlets: archives, mirrors and database backups (the engine of the PowerShell module).");
root.Options.Add(CliOptions.Json);
foreach (var command in CliCommandCatalog.For(args))
{
    root.Subcommands.Add(command);
}

// Results can be many lines (a listing of 200,000 entries): buffer stdout, flush once at the end.
var stdout = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 16) { AutoFlush = false };
Console.SetOut(stdout);
try
{
    return await RunAsync(root, args);
}
finally
{
    stdout.Flush();
}

static async Task<int> RunAsync(RootCommand root, string[] args)
{
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

    // Ctrl+C and SIGTERM cancel the engine's token and let the run clean up (remove its
    // temporaries) before the process ends; System.CommandLine's own handling ends it at once.
    using var stopping = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stopping.Cancel();
    };
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stopping.Cancel();
    });
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stopping.Token);
}
