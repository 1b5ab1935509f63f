using System.CommandLine;

namespace BackupCmdlets.Cli;

/// <summary>Every command of the CLI: each <see cref="ICliCommand"/> in this assembly, by name.</summary>
internal static class CliCommandCatalog
{
    public static IEnumerable<Command> All() =>
        typeof(CliCommandCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .Select(t => ((ICliCommand)Activator.CreateInstance(t)!).Build())
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>A command named like the cmdlet, also answering to its lower-case name.</summary>
    public static Command Named(string cmdletName, string description)
    {
        var command = new Command(cmdletName, description);
        command.Aliases.Add(cmdletName.ToLowerInvariant());
        return command;
    }
}
