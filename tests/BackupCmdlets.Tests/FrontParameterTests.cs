using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using BackupCmdlets.Tests.Help;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// One declaration, two fronts: every [FrontParameter] of the request a command takes is a cmdlet
/// parameter and a CLI option of the same name, with the same description, default, mandatoriness,
/// range and values; and the CLI refuses a value out of range as the cmdlet does.
/// </summary>
public sealed partial class FrontParameterTests(CmdletAssembly assembly) : IClassFixture<CmdletAssembly>
{
    private sealed record Declared(string Name, Type Type, string Description, bool Mandatory, int Position, string? Default, long? Minimum, long? Maximum, long[]? Allowed, string[]? AllowedNames);

    [Fact]
    public void Every_cmdlet_takes_its_parameters_from_a_request()
    {
        Assert.All(assembly.Cmdlets, cmdlet => Assert.NotNull(Request(cmdlet)));
    }

    [Fact]
    public void The_cmdlets_parameters_are_the_requests_declarations()
    {
        var docs = new DocComments(Path.ChangeExtension(BuildLayout.CmdletAssembly, ".xml"));
        var problems = new List<string>();
        foreach (var cmdlet in assembly.Cmdlets)
        {
            foreach (var declared in Declarations(cmdlet))
            {
                string where = $"{cmdlet.Name} -{declared.Name}";
                var property = cmdlet.Type.GetProperty(declared.Name);
                var parameter = cmdlet.Parameter(declared.Name);
                if (property is null || parameter is null)
                {
                    problems.Add($"{where}: no such parameter");
                    continue;
                }

                Check(problems, where, "description", Spelled(declared.Description, cli: false), string.Join(" ", docs.Property(cmdlet.Type, declared.Name)));
                Check(problems, where, "default", declared.Default is null ? null : Spelled(declared.Default, cli: false), parameter.DefaultValue);
                Check(problems, where, "mandatory", declared.Mandatory, parameter.Sets.All(s => s.Mandatory));
                Check(problems, where, "position", declared.Position < 0 ? null : declared.Position, parameter.Sets[0].Position);
                var range = property.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.Name == "ValidateRangeAttribute");
                Check(problems, where, "range", Range(declared), range is null ? null : $"{range.ConstructorArguments[0].Value}..{range.ConstructorArguments[1].Value}");
                var set = property.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.Name == "ValidateSetAttribute");
                Check(
                    problems,
                    where,
                    "values",
                    declared.Allowed is not null ? string.Join(",", declared.Allowed) : declared.AllowedNames is not null ? string.Join(",", declared.AllowedNames) : null,
                    set is null ? null : string.Join(",", ((IReadOnlyCollection<CustomAttributeTypedArgument>)set.ConstructorArguments[0].Value!).Select(v => v.Value)));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_CLI_options_are_the_same_declarations()
    {
        var problems = new List<string>();
        foreach (var cmdlet in assembly.Cmdlets)
        {
            var help = Dotnet.Run(BuildLayout.CliAssembly, cmdlet.Name, "--help");
            string text = Whitespace().Replace(help.StandardOutput, " ");
            foreach (var declared in Declarations(cmdlet))
            {
                string option = "--" + Kebab(declared.Name);
                string expected = Spelled(declared.Description, cli: true) + (declared.Default is { } d ? $" Default: {Spelled(d, cli: true)}." : "");
                if (!Regex.IsMatch(text, $@"{Regex.Escape(option)}\b[^-]*?(<[^>]*>)?\s*(\(REQUIRED\)\s*)?{Regex.Escape(Whitespace().Replace(expected, " "))}"))
                {
                    problems.Add($"{cmdlet.Name} {option}: --help does not describe it as '{expected}'");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_CLI_refuses_a_value_out_of_range_as_the_cmdlet_does()
    {
        var problems = new List<string>();
        int checkedOptions = 0;
        foreach (var cmdlet in assembly.Cmdlets)
        {
            foreach (var declared in Declarations(cmdlet).Where(d => d.Minimum is not null || d.Allowed is not null || d.AllowedNames is not null))
            {
                string option = "--" + Kebab(declared.Name);
                string bad = declared.Allowed is not null ? (declared.Allowed.Max() + 1).ToString(CultureInfo.InvariantCulture)
                    : declared.AllowedNames is not null ? declared.Type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).First(name => !declared.AllowedNames.Contains(name))
                    : (declared.Minimum!.Value - 1).ToString(CultureInfo.InvariantCulture);
                var run = Dotnet.Run(BuildLayout.CliAssembly, cmdlet.Name, option, bad);
                checkedOptions++;
                if (run.ExitCode != 2 || !run.StandardError.Contains($"{option} must be ", StringComparison.Ordinal) || !run.StandardError.Contains($", not {bad}.", StringComparison.Ordinal))
                {
                    problems.Add($"{cmdlet.Name} {option} {bad}: {run}");
                }

                // A value not of the option's type at all is bad usage too, not a crash of the range check.
                var garbled = Dotnet.Run(BuildLayout.CliAssembly, cmdlet.Name, option, "not-a-value");
                if (garbled.ExitCode != 2 || !garbled.StandardError.Contains("not-a-value", StringComparison.Ordinal))
                {
                    problems.Add($"{cmdlet.Name} {option} not-a-value: {garbled}");
                }
            }
        }

        Assert.True(checkedOptions >= 10, $"only {checkedOptions} options have a range");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static (Type Request, string Command)? Request(CmdletClass cmdlet) =>
        cmdlet.Type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.FullName == "BackupCmdlets.Fronts.ParametersFromAttribute") is { } from
            ? ((Type)from.ConstructorArguments[0].Value!, (string)from.ConstructorArguments[1].Value!)
            : null;

    /// <summary>The request's declarations as this cmdlet takes them: the one naming it, else the one naming no command.</summary>
    private static IEnumerable<Declared> Declarations(CmdletClass cmdlet)
    {
        var (request, command) = Request(cmdlet) ?? throw new InvalidOperationException($"{cmdlet.Name} has no [ParametersFrom]");
        foreach (var property in request.GetProperties())
        {
            var all = property.GetCustomAttributesData().Where(a => a.AttributeType.Name == "FrontParameterAttribute").ToList();
            var chosen = all.FirstOrDefault(a => Named(a, "Command") as string == command) ?? all.FirstOrDefault(a => Named(a, "Command") is null);
            if (chosen is null)
            {
                continue;
            }

            var type = property.PropertyType is { IsGenericType: true, Name: "Nullable`1" } nullable ? nullable.GetGenericArguments()[0] : property.PropertyType;
            yield return new Declared(
                property.Name,
                type,
                (string)chosen.ConstructorArguments[0].Value!,
                Named(chosen, "Mandatory") is true,
                Named(chosen, "Position") is int position ? position : -1,
                Named(chosen, "Default") as string,
                Named(chosen, "Minimum") as long?,
                Named(chosen, "Maximum") as long?,
                Named(chosen, "Allowed") is IReadOnlyCollection<CustomAttributeTypedArgument> allowed ? [.. allowed.Select(v => (long)v.Value!)] : null,
                Named(chosen, "AllowedNames") is IReadOnlyCollection<CustomAttributeTypedArgument> names ? [.. names.Select(v => (string)v.Value!)] : null);
        }
    }

    private static string? Range(Declared declared)
    {
        if (declared.Minimum is null && declared.Maximum is null)
        {
            return null;
        }

        bool isInt = declared.Type.FullName == "System.Int32";
        long minimum = declared.Minimum ?? (isInt ? int.MinValue : long.MinValue);
        long maximum = declared.Maximum ?? (isInt ? int.MaxValue : long.MaxValue);
        return $"{minimum}..{maximum}";
    }

    private static void Check<T>(List<string> problems, string where, string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            problems.Add($"{where}: {what} is '{actual}', the request declares '{expected}'");
        }
    }

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).SingleOrDefault();

    private static string Spelled(string text, bool cli) =>
        Placeholder().Replace(text, m => cli ? "--" + Kebab(m.Groups[1].Value) : "-" + m.Groups[1].Value);

    private static string Kebab(string name) => CamelHump().Replace(name, "$1-$2").ToLowerInvariant();

    [GeneratedRegex(@"\{([A-Z]\w*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelHump();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
