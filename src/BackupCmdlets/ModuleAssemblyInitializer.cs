using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace BackupCmdlets;

/// <summary>
/// Keeps the engine's third-party assemblies (SharpZipLib, Npgsql, SQLite, ...) from clashing with
/// the versions PowerShell or another module has already loaded.
///
/// How: the module folder holds only this cmdlet assembly; the engine and all its dependencies sit
/// in Dependencies/, where PowerShell's default load context cannot find them. When the cmdlets
/// first touch an engine type, the default context fails to resolve BackupCmdlets.Engine and
/// raises Resolving; the handler below answers with the engine loaded into a module-private
/// AssemblyLoadContext. That context then resolves every assembly the engine needs from
/// Dependencies/ itself, so those copies never meet the default context's. Only the engine's own
/// name is answered here: anything else falls through to PowerShell's normal rules.
/// This is the documented IModuleAssemblyInitializer + resolver pattern for binary modules.
/// </summary>
public sealed class ModuleAssemblyInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DependencyFolder =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleAssemblyInitializer).Assembly.Location)!, "Dependencies");

    private static readonly ModuleLoadContext Context = new(DependencyFolder);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == "BackupCmdlets.Engine" ? Context.LoadFromAssemblyName(name) : null;
}
