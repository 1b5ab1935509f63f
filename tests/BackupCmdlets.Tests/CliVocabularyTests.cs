using System.Text.RegularExpressions;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// One vocabulary for both fronts: every cmdlet is a CLI command of the same name, and each of its
/// parameters an option in kebab case (-DestinationPath is --destination-path).
/// </summary>
public sealed partial class CliVocabularyTests(CmdletAssembly assembly) : IClassFixture<CmdletAssembly>
{
    [Fact]
    public void Every_cmdlet_is_a_CLI_command_taking_its_parameters_in_kebab_case()
    {
        Assert.NotEmpty(assembly.Cmdlets);
        var problems = new List<string>();
        foreach (var cmdlet in assembly.Cmdlets)
        {
            var help = Dotnet.Run(BuildLayout.CliAssembly, cmdlet.Name, "--help");
            if (help.ExitCode != 0 || !Regex.IsMatch(help.StandardOutput, $@"Usage:\s+backupcmdlets {Regex.Escape(cmdlet.Name)}\b"))
            {
                problems.Add($"{cmdlet.Name}: the CLI has no command of that name ({help})");
                continue;
            }

            var options = OptionName().Matches(help.StandardOutput).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(cmdlet.Parameters
                .Where(HasCliOption)
                .Select(p => (p.Name, Option: "--" + KebabCase(p.Name)))
                .Where(p => !options.Contains(p.Option))
                .Select(p => $"{cmdlet.Name}: no {p.Option} for -{p.Name} (options: {string.Join(' ', options.Order())})"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("Path", "path")]
    [InlineData("DestinationPath", "destination-path")]
    [InlineData("CompressionLevel", "compression-level")]
    [InlineData("Sha256", "sha256")]
    public void Kebab_case_splits_words_at_capitals(string parameter, string option)
    {
        Assert.Equal(option, KebabCase(parameter));
    }

    /// <summary>
    /// The CLI takes paths as written (the shell expands wildcards), so -LiteralPath has no option;
    /// -InputObject takes objects from a PowerShell pipeline, which a command line has not; secrets
    /// come from the environment there, never from a command line.
    /// </summary>
    private static bool HasCliOption(CmdletParameter parameter) =>
        parameter.Name is not ("LiteralPath" or "InputObject")
        && parameter.PropertyType.FullName is not ("System.Management.Automation.PSCredential" or "System.Security.SecureString");

    private static string KebabCase(string name) => WordStart().Replace(name, "-$1").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordStart();

    [GeneratedRegex(@"(?m)^\s+(?:-\S+,\s+)*(--[a-z0-9-]+)")]
    private static partial Regex OptionName();
}
