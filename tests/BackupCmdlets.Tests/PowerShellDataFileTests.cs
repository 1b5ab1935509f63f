using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>The psd1 reader the manifest tests rely on.</summary>
public sealed class PowerShellDataFileTests
{
    [Fact]
    public void Reads_the_literal_forms_manifests_use()
    {
        var table = PowerShellDataFile.Parse("""
            <# block
               comment #>
            @{
                RootModule = 'Root.dll'   # trailing comment
                Quoted = "a `"b`" c"
                Doubled = 'it''s'
                Lines = @(
                    'One'
                    # 'Commented'
                    'Two'
                )
                Commas = 'A', 'B',
                    'C'
                Empty = @()
                Flag = $true; Number = 7.4
                Nested = @{ Inner = @('x') }
            }
            """);

        Assert.Equal("Root.dll", table["rootmodule"]);
        Assert.Equal("a \"b\" c", table["Quoted"]);
        Assert.Equal("it's", table["Doubled"]);
        Assert.Equal(["One", "Two"], PowerShellDataFile.Strings(table, "Lines"));
        Assert.Equal(["A", "B", "C"], PowerShellDataFile.Strings(table, "Commas"));
        Assert.Empty(PowerShellDataFile.Strings(table, "Empty")!);
        Assert.Equal("$true", table["Flag"]);
        Assert.Equal("7.4", table["Number"]);
        Assert.Equal(["x"], PowerShellDataFile.Strings((IReadOnlyDictionary<string, object?>)table["Nested"]!, "Inner"));
        Assert.Null(PowerShellDataFile.Strings(table, "Absent"));
    }

    [Theory]
    [InlineData("@{ A = 'open }")]
    [InlineData("@{ A = 'x' ")]
    [InlineData("@{ A = 'x'; A = 'y' }")]
    [InlineData("@{ A = 'x' } trailing")]
    [InlineData("@{ A = @{ }")]
    public void Rejects_what_is_not_a_data_file(string text)
    {
        Assert.Throws<FormatException>(() => PowerShellDataFile.Parse(text));
    }
}
