using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace BackupCmdlets;

/// <summary>
/// The module's private load context over Dependencies/: managed assemblies by name, and native
/// libraries (SQLite's e_sqlite3, loaded by SQLitePCLRaw's [DllImport("e_sqlite3")]) from
/// Dependencies/runtimes/&lt;rid&gt;/native/, the layout NuGet packages use. The default context would
/// find those through the app's deps.json, which a module does not have.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _folder;

    public ModuleLoadContext(string folder)
        : base("BackupCmdlets", isCollectible: false) => _folder = folder;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (string rid in RuntimeIdentifiers())
        {
            string folder = Path.Combine(_folder, "runtimes", rid, "native");
            foreach (string file in FileNames(unmanagedDllName))
            {
                string candidate = Path.Combine(folder, file);
                if (File.Exists(candidate))
                {
                    return LoadUnmanagedDllFromPath(candidate);
                }
            }
        }

        return IntPtr.Zero;
    }

    /// <summary>This process's runtime identifier, then the portable ones it falls back to (linux-musl-x64 before linux-x64).</summary>
    private static IEnumerable<string> RuntimeIdentifiers()
    {
        yield return RuntimeInformation.RuntimeIdentifier;
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsLinux())
        {
            if (RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal))
            {
                yield return $"linux-musl-{arch}";
            }

            yield return $"linux-{arch}";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return $"osx-{arch}";
        }
        else if (OperatingSystem.IsWindows())
        {
            yield return $"win-{arch}";
        }
    }

    private static IEnumerable<string> FileNames(string name)
    {
        if (Path.HasExtension(name) && (name.EndsWith(".so", StringComparison.Ordinal) || name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".dylib", StringComparison.Ordinal)))
        {
            yield return name;
            yield break;
        }

        if (OperatingSystem.IsWindows())
        {
            yield return name + ".dll";
        }
        else
        {
            string extension = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
            yield return "lib" + name + extension;
            yield return name + extension;
        }
    }
}
