using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// The published module folder: only the cmdlet assembly, manifest, format file and help at the top;
/// the engine and every third-party assembly under Dependencies/, where ModuleAssemblyInitializer
/// loads them into the module's own AssemblyLoadContext.
/// </summary>
public sealed class ModulePackageTests(PublishedModule module) : IClassFixture<PublishedModule>
{
    private const string CmdletAssemblyFile = "BackupCmdlets.dll";
    private const string PowerShellAssembly = "System.Management.Automation";

    [Fact]
    public void The_top_holds_the_manifest_and_every_file_it_names()
    {
        var top = module.TopLevelFiles;
        Assert.Contains("BackupCmdlets.psd1", top);
        var manifest = PowerShellDataFile.Parse(File.ReadAllText(Path.Combine(module.Folder, "BackupCmdlets.psd1")));
        var named = (PowerShellDataFile.Strings(manifest, "RootModule") ?? [])
            .Concat(PowerShellDataFile.Strings(manifest, "FormatsToProcess") ?? [])
            .ToList();
        Assert.Contains(CmdletAssemblyFile, named);
        Assert.Contains("BackupCmdlets.format.ps1xml", named);
        Assert.All(named, file => Assert.Contains(file, top));
    }

    [Fact]
    public void The_only_assembly_at_the_top_is_the_cmdlet_assembly()
    {
        // Anything else here would load into PowerShell's default context and could clash with its own copies.
        Assert.Equal([CmdletAssemblyFile], module.TopLevelFiles.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(module.TopLevelFiles, f => f.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Dependencies_hold_the_engine_and_its_third_party_assemblies()
    {
        Assert.True(File.Exists(Path.Combine(module.DependencyFolder, "BackupCmdlets.Engine.dll")), "Dependencies/BackupCmdlets.Engine.dll is missing");
        Assert.True(File.Exists(Path.Combine(module.DependencyFolder, "ICSharpCode.SharpZipLib.dll")), "Dependencies/ICSharpCode.SharpZipLib.dll is missing");
    }

    [Fact]
    public void Every_referenced_assembly_is_in_the_package_the_runtime_or_PowerShell()
    {
        var packaged = Directory.GetFiles(module.DependencyFolder, "*.dll").Append(Path.Combine(module.Folder, CmdletAssemblyFile)).ToList();
        var shipped = packaged.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();

        var unresolved = packaged
            .SelectMany(file => ReferencedAssemblies(file).Select(reference => (file: Path.GetFileName(file), reference)))
            .Where(r => r.reference != PowerShellAssembly
                && !shipped.Contains(r.reference)
                && !File.Exists(Path.Combine(runtime, r.reference + ".dll")))
            .Select(r => $"{r.file} needs {r.reference}")
            .ToList();
        Assert.True(unresolved.Count == 0, string.Join(Environment.NewLine, unresolved));
    }

    [Fact]
    public void PowerShell_itself_is_not_shipped()
    {
        // PowerShellStandard.Library is a compile-time reference only: the host supplies the real one.
        Assert.Empty(Directory.GetFiles(module.Folder, PowerShellAssembly + ".dll", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_about_topic_is_shipped()
    {
        Assert.True(File.Exists(Path.Combine(module.Folder, "en-US", "about_BackupCmdlets.help.txt")), "en-US/about_BackupCmdlets.help.txt is missing");
    }

    private static IEnumerable<string> ReferencedAssemblies(string file)
    {
        using var pe = new PEReader(File.OpenRead(file));
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }
}
