using System.CommandLine;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Cli;

/// <summary>The CLI finds its commands in a table, not by reflection: every command class must be in it.</summary>
[Trait("Front", "NativeCli")]
public sealed class CliCommandCatalogTests
{
    [Fact]
    public void Every_command_class_is_offered_by_name_and_in_the_help()
    {
        var assembly = typeof(BackupCmdlets.Cli.SqliteDemo).Assembly;
        var names = assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterface("BackupCmdlets.Cli.ICliCommand") is not null)
            .Select(t => ((Command)t.GetMethod("Build")!.Invoke(Activator.CreateInstance(t), null)!).Name)
            .ToList();
        string help = CliProcess.Run("--help").EnsureSuccess("--help").StandardOutput;

        Assert.Equal(17, names.Count);
        Assert.All(names, name => Assert.Contains(name, help));
        Assert.All(names, name => Assert.Contains(name, CliProcess.Run(name, "--help").EnsureSuccess(name + " --help").StandardOutput));
    }
}
