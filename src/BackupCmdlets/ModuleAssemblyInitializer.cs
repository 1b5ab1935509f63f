using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace BackupCmdlets;

/// <summary>
/// Keeps the engine's third-party assemblies (SharpZipLib, Npgsql, SQLite, ...) from clashing with
/// the versions PowerShell or another module has already loaded.
///
/// The module is three assemblies. BackupCmdlets.Engine.Contracts (requests, results, enums; no
/// dependencies) is a RequiredAssembly of the manifest, so PowerShell loads it into its default
/// context before this one; this cmdlet assembly follows. PowerShell enumerates this assembly's
/// types (parameters, fields, base classes, attributes) before it calls <see cref="OnImport"/>, so
/// nothing it meets there may come from the engine: the cmdlets name only contract types and touch
/// the engine inside method bodies. The engine and all its dependencies sit in Dependencies/, where
/// the default context cannot find them. When a cmdlet first calls the engine, the default context
/// fails to resolve BackupCmdlets.Engine and raises Resolving; the handler below answers with the
/// engine loaded into a module-private AssemblyLoadContext, which resolves every assembly the engine
/// needs from Dependencies/ itself (and the contracts, which it does not hold, from the default
/// context, so both sides share one copy of each result type). Only the engine's own name is
/// answered here: anything else falls through to PowerShell's normal rules.
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
