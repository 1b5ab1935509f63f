using System.Data.Common;
using System.Reflection;
using System.Runtime.Loader;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Finds ODP.NET (Oracle.ManagedDataAccess.dll, from the Oracle.ManagedDataAccess.Core package) at run
/// time, as no NuGet feed the project builds from serves it: the path given (-OracleDriverPath, a file
/// or a folder) and only it; without one, the BACKUPCMDLETS_ORACLE_DRIVER environment variable, then beside the module.
/// It is loaded into the engine's own load context, so its dependencies resolve beside it.
/// </summary>
public static class OracleDriver
{
    public const string EnvironmentVariable = "BACKUPCMDLETS_ORACLE_DRIVER";
    public const string AssemblyFileName = "Oracle.ManagedDataAccess.dll";
    public const string FactoryTypeName = "Oracle.ManagedDataAccess.Client.OracleClientFactory";

    public static DbProviderFactory Load(string? driverPath)
    {
        var candidates = Candidates(driverPath).ToList();
        string? found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            throw new BackupException(
                OracleErrorIds.DriverNotFound,
                ErrorKind.ObjectNotFound,
                $"The Oracle driver ({AssemblyFileName}, from the Oracle.ManagedDataAccess.Core NuGet package) was not found. "
                + $"Supply it in one of three ways: pass its path (the file or its folder) with -OracleDriverPath (CLI: --oracle-driver-path); "
                + $"set the environment variable {EnvironmentVariable} to that path; or copy it beside the module ({ModuleFolder}). "
                + $"Looked for: {string.Join(", ", candidates)}.",
                driverPath);
        }

        try
        {
            var context = AssemblyLoadContext.GetLoadContext(typeof(OracleDriver).Assembly) ?? AssemblyLoadContext.Default;
            var assembly = context.Assemblies.FirstOrDefault(a => string.Equals(a.Location, Path.GetFullPath(found), StringComparison.Ordinal))
                ?? context.LoadFromAssemblyPath(Path.GetFullPath(found));
            var type = assembly.GetType(FactoryTypeName, throwOnError: false);
            if (type?.GetField("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is DbProviderFactory factory)
            {
                return factory;
            }

            throw new BackupException(OracleErrorIds.DriverInvalid, ErrorKind.InvalidArgument, $"'{found}' is not ODP.NET: it has no {FactoryTypeName}.Instance. Point -OracleDriverPath at Oracle.ManagedDataAccess.dll from the Oracle.ManagedDataAccess.Core package.", found);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or TypeLoadException or TargetInvocationException)
        {
            throw new BackupException(OracleErrorIds.DriverInvalid, ErrorKind.InvalidArgument, $"'{found}' could not be loaded as the Oracle driver: {ex.Message}", found, ex);
        }
    }

    private static string ModuleFolder => Path.GetDirectoryName(typeof(OracleDriver).Assembly.Location) ?? AppContext.BaseDirectory;

    private static string InFolder(string given)
    {
        string full = Path.GetFullPath(given);
        return Directory.Exists(full) ? Path.Combine(full, AssemblyFileName) : full;
    }

    private static IEnumerable<string> Candidates(string? driverPath)
    {
        // A path given explicitly is the only place looked at: a typo must not silently pick up another driver.
        if (!string.IsNullOrWhiteSpace(driverPath))
        {
            yield return InFolder(driverPath);
            yield break;
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            yield return InFolder(fromEnvironment);
        }

        // The engine sits in the module's Dependencies folder: look there and in the module folder above it.
        yield return Path.Combine(ModuleFolder, AssemblyFileName);
        if (Path.GetDirectoryName(ModuleFolder) is { } parent)
        {
            yield return Path.Combine(parent, AssemblyFileName);
        }
    }
}
