using System.Reflection;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>module/BackupCmdlets.format.ps1xml against the result types the cmdlets declare.</summary>
public sealed class FormatViewTests(CmdletAssembly assembly) : IClassFixture<CmdletAssembly>
{
    private readonly IReadOnlyList<TableView> _views = TableView.Load(BuildLayout.FormatFilePath);

    [Fact]
    public void Every_engine_output_type_has_a_table_view()
    {
        var outputTypes = assembly.Cmdlets
            .SelectMany(c => c.OutputTypes)
            .Select(o => o.Type)
            .OfType<Type>()
            .Where(t => t.Assembly.GetName().Name == CmdletAssembly.ContractsAssemblyName)
            .Select(t => t.FullName!)
            .Distinct()
            .Order()
            .ToList();
        Assert.NotEmpty(outputTypes);

        var viewed = _views.SelectMany(v => v.TypeNames).ToHashSet(StringComparer.Ordinal);
        var missing = outputTypes.Where(t => !viewed.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"No table view (ViewSelectedBy/TypeName) for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_table_view_shows_properties_its_engine_type_has()
    {
        Assert.NotEmpty(_views);
        var problems = new List<string>();
        foreach (var view in _views)
        {
            if (view.TypeNames.Count == 0)
            {
                problems.Add($"view '{view.Name}' selects no TypeName");
            }

            if (view.HeaderCount != 0 && view.HeaderCount != view.ColumnCount)
            {
                problems.Add($"view '{view.Name}' has {view.HeaderCount} headers for {view.ColumnCount} columns");
            }

            foreach (string typeName in view.TypeNames)
            {
                var type = assembly.Contracts.GetType(typeName);
                if (type is null)
                {
                    problems.Add($"view '{view.Name}': {typeName} is not a type in {CmdletAssembly.ContractsAssemblyName}");
                    continue;
                }

                problems.AddRange(view.ColumnProperties
                    .Where(p => type.GetProperty(p, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is null)
                    .Select(p => $"view '{view.Name}': {typeName} has no public property '{p}'"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
