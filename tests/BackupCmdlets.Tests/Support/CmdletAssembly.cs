using System.Reflection;
using System.Runtime.InteropServices;

namespace BackupCmdlets.Tests.Support;

/// <summary>
/// The built cmdlet assembly loaded as metadata only (nothing in it runs), with its [Cmdlet] classes
/// read into <see cref="CmdletClass"/> descriptions.
/// </summary>
public sealed class CmdletAssembly : IDisposable
{
    public const string ContractsAssemblyName = "BackupCmdlets.Engine.Contracts";

    private readonly MetadataLoadContext _context;

    public CmdletAssembly()
    {
        string cmdletFolder = Path.GetDirectoryName(BuildLayout.CmdletAssembly)!;
        var candidates = Directory.GetFiles(cmdletFolder, "*.dll")
            .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .Append(BuildLayout.PowerShellReferenceAssembly);
        _context = new MetadataLoadContext(new PathAssemblyResolver(candidates));
        Assembly = _context.LoadFromAssemblyPath(BuildLayout.CmdletAssembly);
        Cmdlets = Assembly.GetTypes()
            .Select(CmdletClass.TryRead)
            .OfType<CmdletClass>()
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public Assembly Assembly { get; }

    public IReadOnlyList<CmdletClass> Cmdlets { get; }

    /// <summary>The contracts assembly (requests, results, enums) as the cmdlets reference it.</summary>
    public Assembly Contracts => _context.LoadFromAssemblyName(ContractsAssemblyName);

    public void Dispose() => _context.Dispose();
}
