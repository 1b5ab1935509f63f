using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>The rules every cmdlet class in BackupCmdlets.dll keeps, read from its metadata.</summary>
public sealed class CmdletContractTests(CmdletAssembly assembly) : IClassFixture<CmdletAssembly>
{
    private const string BaseClass = "BackupCmdlets.BackupCmdletBase";

    [Fact]
    public void The_assembly_defines_cmdlets()
    {
        // Without this, every rule below would pass vacuously on an assembly that lost its cmdlets.
        Assert.NotEmpty(assembly.Cmdlets);
    }

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb()
    {
        AssertNoViolations(c => ApprovedVerbs.All.Contains(c.Verb) ? [] : [$"'{c.Verb}' is not an approved verb (Get-Verb)"]);
    }

    [Fact]
    public void Every_cmdlet_class_is_public_and_named_after_its_cmdlet()
    {
        // The class name is part of every FullyQualifiedErrorId ('PathNotFound,BackupCmdlets.NewTarArchiveCommand').
        AssertNoViolations(c =>
        {
            string expected = $"BackupCmdlets.{c.Verb}{c.Noun}Command";
            return (c.Type.IsPublic, c.Type.FullName == expected) switch
            {
                (false, _) => ["is not public"],
                (_, false) => [$"class should be {expected}"],
                _ => [],
            };
        });
    }

    [Fact]
    public void Every_cmdlet_derives_from_the_shared_base_class()
    {
        AssertNoViolations(c => c.DerivesFrom(BaseClass) ? [] : [$"does not derive from {BaseClass}"]);
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_as_an_engine_type()
    {
        AssertNoViolations(c =>
        {
            var problems = new List<string>();
            if (c.OutputTypes.Count == 0)
            {
                problems.Add("declares no [OutputType]");
            }

            problems.AddRange(c.OutputTypes.Where(o => o.Type is null)
                .Select(o => $"[OutputType(\"{o.TypeName}\")] names a type by string: use typeof"));
            problems.AddRange(c.OutputTypes.Where(o => o.Type is { } t && !IsEngineType(t) && !IsPrimitive(t))
                .Select(o => $"[OutputType] {o.TypeName} is neither a BackupCmdlets.Engine.Contracts result type nor a primitive (bool for -Quiet)"));
            if (!c.OutputTypes.Any(o => o.Type is { } t && IsEngineType(t)))
            {
                problems.Add("declares no [OutputType] defined in BackupCmdlets.Engine.Contracts");
            }

            return problems;
        });
    }

    [Fact]
    public void Cmdlets_that_write_or_delete_support_ShouldProcess()
    {
        AssertNoViolations(c => ApprovedVerbs.ReadOnly.Contains(c.Verb) || c.SupportsShouldProcess
            ? []
            : [$"'{c.Verb}' changes things but [Cmdlet] lacks SupportsShouldProcess = true (-WhatIf/-Confirm)"]);
    }

    [Fact]
    public void Cmdlets_that_take_input_paths_have_Path_and_LiteralPath_in_separate_parameter_sets()
    {
        AssertNoViolations(PathParameterProblems);
    }

    private static IEnumerable<string> PathParameterProblems(CmdletClass c)
    {
        var path = c.Parameter("Path");
        var literal = c.Parameter("LiteralPath");
        if (path is null && literal is null)
        {
            yield break;
        }

        if (path is null || literal is null)
        {
            yield return "has only one of -Path and -LiteralPath: input paths take both";
            yield break;
        }

        foreach (var p in new[] { path, literal })
        {
            if (p.PropertyType.FullName != "System.String[]")
            {
                yield return $"-{p.Name} is {p.PropertyType.FullName}, not string[]";
            }

            if (p.Sets.Any(s => s.SetName == CmdletParameter.AllParameterSets))
            {
                yield return $"-{p.Name} is in all parameter sets: it needs its own";
            }
        }

        var pathSets = path.Sets.Select(s => s.SetName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var shared = literal.Sets.Select(s => s.SetName).Where(pathSets.Contains).ToList();
        if (shared.Count > 0)
        {
            yield return $"-Path and -LiteralPath share parameter set(s) {string.Join(", ", shared)}";
        }

        if (!literal.Aliases.Contains("PSPath", StringComparer.OrdinalIgnoreCase))
        {
            yield return "-LiteralPath lacks [Alias(\"PSPath\")] (so Get-ChildItem output binds to it)";
        }

        if (!literal.Sets.All(s => s.ValueFromPipelineByPropertyName))
        {
            yield return "-LiteralPath is not ValueFromPipelineByPropertyName";
        }

        if (!path.Sets.All(s => s.ValueFromPipeline))
        {
            yield return "-Path is not ValueFromPipeline";
        }

        if (c.DefaultParameterSetName is null || !pathSets.Contains(c.DefaultParameterSetName))
        {
            yield return $"DefaultParameterSetName is '{c.DefaultParameterSetName}', not -Path's set";
        }
    }

    private static bool IsEngineType(Type type) => type.Assembly.GetName().Name == CmdletAssembly.ContractsAssemblyName;

    private static bool IsPrimitive(Type type) => type.IsPrimitive || type.FullName == "System.String";

    private void AssertNoViolations(Func<CmdletClass, IEnumerable<string>> check)
    {
        Assert.NotEmpty(assembly.Cmdlets);
        var violations = assembly.Cmdlets.SelectMany(c => check(c).Select(v => $"{c}: {v}")).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
