using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>module/BackupCmdlets.psd1 against the built cmdlet assembly.</summary>
public sealed class ModuleManifestTests(CmdletAssembly assembly) : IClassFixture<CmdletAssembly>
{
    private readonly IReadOnlyDictionary<string, object?> _manifest = PowerShellDataFile.Parse(File.ReadAllText(BuildLayout.ManifestPath));

    [Fact]
    public void CmdletsToExport_lists_exactly_the_cmdlet_classes()
    {
        Assert.NotEmpty(assembly.Cmdlets);
        var exported = PowerShellDataFile.Strings(_manifest, "CmdletsToExport");
        Assert.NotNull(exported);
        Assert.DoesNotContain(exported, name => name.Contains('*') || name.Contains('?'));
        Assert.Equal(exported.Count, exported.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        var declared = assembly.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = declared.Except(exported, StringComparer.OrdinalIgnoreCase).Order().ToList();
        var stale = exported.Except(declared, StringComparer.OrdinalIgnoreCase).Order().ToList();
        Assert.True(
            missing.Count == 0 && stale.Count == 0,
            $"Not exported: [{string.Join(", ", missing)}]; exported but no such cmdlet class: [{string.Join(", ", stale)}]");
    }

    [Fact]
    public void RootModule_is_the_cmdlet_assembly()
    {
        Assert.Equal(Path.GetFileName(BuildLayout.CmdletAssembly), PowerShellDataFile.Strings(_manifest, "RootModule")?.Single());
    }

    [Fact]
    public void Requires_PowerShell_7_4_Core()
    {
        Assert.Equal(["Core"], PowerShellDataFile.Strings(_manifest, "CompatiblePSEditions"));
        Assert.Equal("7.4", PowerShellDataFile.Strings(_manifest, "PowerShellVersion")?.Single());
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void Exports_nothing_but_cmdlets(string key)
    {
        // An absent key exports everything ('*'): it must be present and empty.
        var values = PowerShellDataFile.Strings(_manifest, key);
        Assert.NotNull(values);
        Assert.Empty(values);
    }

    [Fact]
    public void ModuleVersion_is_the_assembly_version()
    {
        // One version source: Directory.Build.props sets the assembly's; the manifest must agree.
        var assemblyVersion = assembly.Assembly.GetName().Version!;
        var moduleVersion = Version.Parse(PowerShellDataFile.Strings(_manifest, "ModuleVersion")!.Single());
        Assert.Equal(new Version(assemblyVersion.Major, assemblyVersion.Minor, assemblyVersion.Build), moduleVersion);
    }

    [Fact]
    public void Files_the_manifest_names_exist_in_the_module_folder()
    {
        var named = PowerShellDataFile.Strings(_manifest, "FormatsToProcess") ?? [];
        Assert.Contains(Path.GetFileName(BuildLayout.FormatFilePath), named);
        Assert.All(named, file => Assert.True(File.Exists(Path.Combine(BuildLayout.ModuleFolder, file)), $"{file} is not in module/"));
        Assert.True(Guid.TryParse(PowerShellDataFile.Strings(_manifest, "GUID")?.Single(), out _), "GUID is missing or malformed");
    }
}
