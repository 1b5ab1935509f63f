using System.CommandLine;

namespace BackupCmdlets.Cli;

/// <summary>Every command of the CLI: each <see cref="ICliCommand"/> in this assembly, by name.</summary>
internal static class CliCommandCatalog
{
    private const string CommandNamespace = "BackupCmdlets.Cli.Commands";

    public static IEnumerable<Command> All() =>
        typeof(CliCommandCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .Select(t => ((ICliCommand)Activator.CreateInstance(t)!).Build())
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The commands a command line needs: only the one its first word names when there is one (its
    /// class is that name without hyphens plus "Command"), else all of them, for help and errors.
    /// Building every command and its options costs about 20 ms of start-up, a sixth of a quick sync.
    /// </summary>
    public static IEnumerable<Command> For(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && !args[0].StartsWith('-')
            && typeof(CliCommandCatalog).Assembly.GetType($"{CommandNamespace}.{args[0].Replace("-", "", StringComparison.Ordinal)}Command", throwOnError: false, ignoreCase: true) is { } type
            && typeof(ICliCommand).IsAssignableFrom(type)
            && ((ICliCommand)Activator.CreateInstance(type)!).Build() is { } command
            && command.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase))
        {
            return [command];
        }

        return All();
    }

    /// <summary>A command named like the cmdlet, also answering to its lower-case name.</summary>
    public static Command Named(string cmdletName, string description)
    {
        var command = new Command(cmdletName, description);
        command.Aliases.Add(cmdletName.ToLowerInvariant());
        return command;
    }
}
