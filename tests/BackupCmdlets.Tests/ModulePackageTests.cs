using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// The published module folder: the cmdlet and contracts assemblies, manifest, format file, help and
/// licence at the top; the engine and every third-party assembly under Dependencies/, where
/// ModuleAssemblyInitializer loads them into the module's own AssemblyLoadContext.
/// </summary>
public sealed partial class ModulePackageTests(PublishedModule module) : IClassFixture<PublishedModule>
{
    private const string CmdletAssemblyFile = "BackupCmdlets.dll";
    private const string ContractsAssemblyFile = "BackupCmdlets.Engine.Contracts.dll";
    private const string PowerShellAssembly = "System.Management.Automation";

    [Fact]
    public void The_top_holds_the_manifest_and_every_file_it_names()
    {
        var top = module.TopLevelFiles;
        Assert.Contains("BackupCmdlets.psd1", top);
        var manifest = PowerShellDataFile.Parse(File.ReadAllText(Path.Combine(module.Folder, "BackupCmdlets.psd1")));
        var named = (PowerShellDataFile.Strings(manifest, "RootModule") ?? [])
            .Concat(PowerShellDataFile.Strings(manifest, "RequiredAssemblies") ?? [])
            .Concat(PowerShellDataFile.Strings(manifest, "FormatsToProcess") ?? [])
            .ToList();
        Assert.Contains(CmdletAssemblyFile, named);
        Assert.Contains(ContractsAssemblyFile, named);
        Assert.Contains("BackupCmdlets.format.ps1xml", named);
        Assert.All(named, file => Assert.Contains(file, top));
    }

    [Fact]
    public void The_only_assemblies_at_the_top_are_the_cmdlets_and_their_contracts()
    {
        // Anything else here would load into PowerShell's default context and could clash with its own copies.
        Assert.Equal([ContractsAssemblyFile, CmdletAssemblyFile], module.TopLevelFiles.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(module.TopLevelFiles, f => f.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Everything_else_sits_under_Dependencies()
    {
        // A runtimes/ folder (native libraries) or satellite assemblies left at the top would be out of
        // reach of the module's load context, which looks in Dependencies/ only.
        var stray = Directory.GetFiles(module.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(module.Folder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Dependencies/", StringComparison.Ordinal) && !IsModuleFile(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(stray.Count == 0, $"Outside Dependencies/: {string.Join(", ", stray)}");
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
        var packaged = Directory.GetFiles(module.DependencyFolder, "*.dll").Concat(Directory.GetFiles(module.Folder, "*.dll")).ToList();
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
    public void No_symbols_and_no_native_library_for_another_system_are_shipped()
    {
        var files = Directory.GetFiles(module.Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(module.Folder, f).Replace('\\', '/')).ToList();
        Assert.DoesNotContain(files, f => f.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.StartsWith("Dependencies/runtimes/", StringComparison.Ordinal) && !f.StartsWith("Dependencies/runtimes/linux-", StringComparison.Ordinal));
        Assert.Contains("Dependencies/runtimes/linux-x64/native/libe_sqlite3.so", files);
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

    /// <summary>The cmdlet and contracts assemblies, the manifest, format files, the licence, and help in culture folders.</summary>
    private static bool IsModuleFile(string relativePath) => relativePath.Split('/') switch
    {
        [var file] => file is CmdletAssemblyFile or ContractsAssemblyFile or "LICENSE.txt" || file.EndsWith(".psd1", StringComparison.Ordinal) || file.EndsWith(".ps1xml", StringComparison.Ordinal),
        [var culture, var file] => IsCulture(culture) && (file.EndsWith(".help.txt", StringComparison.Ordinal) || file.EndsWith("-Help.xml", StringComparison.Ordinal)),
        _ => false,
    };

    private static bool IsCulture(string name) => CultureName().IsMatch(name);

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex CultureName();

    private static IEnumerable<string> ReferencedAssemblies(string file)
    {
        using var pe = new PEReader(File.OpenRead(file));
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }
}
