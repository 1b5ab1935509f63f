using System.Text;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// The error catalogue is the one list of stable ids: each error is named as its id, no id is used
/// twice, and README.md documents exactly the catalogue, line for line.
/// </summary>
public sealed partial class ErrorCatalogueTests
{
    [Fact]
    public void Every_error_is_named_as_its_id_and_no_id_is_used_twice()
    {
        var fields = typeof(Errors).GetFields().Where(f => f.FieldType == typeof(ErrorDefinition)).ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, field => Assert.Equal(field.Name, ((ErrorDefinition)field.GetValue(null)!).Id));
        Assert.Equal(fields.Count, Errors.All.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Errors.All, error => Assert.Matches(@"^\S.*\.\)?$", error.Description));
        Assert.Same(Errors.ArchiveCorrupt, Errors.Find("ArchiveCorrupt"));
        Assert.Null(Errors.Find("NoSuchError"));
    }

    [Fact]
    public void The_README_lists_every_error_of_the_catalogue_with_its_kind_and_description()
    {
        string readme = File.ReadAllText(Path.Combine(BuildLayout.RepositoryRoot, "README.md"));
        string documented = string.Join('\n', TableRow().Matches(readme).Select(m => m.Value.TrimEnd()));
        string expected = ExpectedTable();
        Assert.True(documented == expected, $"README.md's error table is not the catalogue's; it should read:\n{expected}");
    }

    private static string ExpectedTable()
    {
        var table = new StringBuilder();
        foreach (var error in Errors.All.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            table.Append($"| `{error.Id}` | {error.Kind} | {error.Description} |\n");
        }

        return table.ToString().TrimEnd('\n');
    }

    [GeneratedRegex(@"^\| `\w+` \| \w+ \| .* \|[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
