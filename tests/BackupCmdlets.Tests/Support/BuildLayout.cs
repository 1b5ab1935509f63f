using System.Reflection;

namespace BackupCmdlets.Tests.Support;

/// <summary>The paths this test assembly was built against (written by the AddBuildLayoutMetadata target).</summary>
internal static class BuildLayout
{
    /// <summary>The built cmdlet assembly, BackupCmdlets.dll, for the same Configuration as the tests.</summary>
    public static string CmdletAssembly => ExistingFile("CmdletAssembly");

    /// <summary>The built CLI, backupcmdlets.dll, run with <c>dotnet</c>.</summary>
    public static string CliAssembly => ExistingFile("CliAssembly");

    /// <summary>PowerShellStandard.Library's System.Management.Automation reference assembly.</summary>
    public static string PowerShellReferenceAssembly => ExistingFile("PowerShellReferenceAssembly");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string Configuration => Metadata("Configuration");

    public static string ModuleFolder => Path.Combine(RepositoryRoot, "module");

    public static string ManifestPath => Path.Combine(ModuleFolder, "BackupCmdlets.psd1");

    public static string FormatFilePath => Path.Combine(ModuleFolder, "BackupCmdlets.format.ps1xml");

    public static string CmdletProject => Path.Combine(RepositoryRoot, "src", "BackupCmdlets");

    private static string ExistingFile(string key)
    {
        string path = Metadata(key);
        Assert.True(File.Exists(path), $"{key} not found at '{path}': build the solution first.");
        return path;
    }

    private static string Metadata(string key)
    {
        string? value = typeof(BuildLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value;
        Assert.False(string.IsNullOrEmpty(value), $"The test assembly carries no '{key}' metadata.");
        return value!;
    }
}
