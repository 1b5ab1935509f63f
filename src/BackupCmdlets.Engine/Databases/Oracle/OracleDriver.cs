using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// Finds ODP.NET (Oracle.ManagedDataAccess.dll, from the Oracle.ManagedDataAccess.Core package) at run
/// time, as no NuGet feed the project builds from serves it: the path given (-OracleDriverPath, a file
/// or a folder) and only it; without one, the BACKUPCMDLETS_ORACLE_DRIVER environment variable, then beside the module.
/// It is loaded into the engine's own load context, so its dependencies resolve beside it. A natively
/// compiled program (the published CLI) cannot load a .NET assembly at run time: there it is refused.
/// </summary>
internal static class OracleDriver
{
    public const string EnvironmentVariable = "BACKUPCMDLETS_ORACLE_DRIVER";
    public const string AssemblyFileName = "Oracle.ManagedDataAccess.dll";
    public const string FactoryTypeName = "Oracle.ManagedDataAccess.Client.OracleClientFactory";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Runs only with a JIT (checked first); nothing is trimmed there.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Runs only with a JIT (checked first); nothing is trimmed there.")]
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Runs only with a JIT (checked first), where loaded assemblies have locations.")]
    public static DbProviderFactory Load(string? driverPath)
    {
        if (IsNativeBuild)
        {
            throw new BackupException(
                Errors.OracleDriverNeedsRuntime,
                $"This is the native build of the CLI, which cannot load the Oracle driver ({AssemblyFileName} is a .NET assembly loaded at run time). "
                + "Use the PowerShell module, or the CLI run on the .NET runtime: dotnet run --project src/BackupCmdlets.Cli -- ..., or a build published with -p:PublishAot=false.",
                driverPath);
        }

        var candidates = Candidates(driverPath).ToList();
        string? found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            throw new BackupException(
                Errors.OracleDriverNotFound,
                $"The Oracle driver ({AssemblyFileName}, from the Oracle.ManagedDataAccess.Core NuGet package) was not found. "
                + $"Supply it in one of three ways: pass its path (the file or its folder) with {ParameterNames.Of(nameof(StartBackupRequest.OracleDriverPath))}; "
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

            throw new BackupException(Errors.OracleDriverInvalid, $"'{found}' is not ODP.NET: it has no {FactoryTypeName}.Instance. Point {ParameterNames.Of(nameof(StartBackupRequest.OracleDriverPath))} at Oracle.ManagedDataAccess.dll from the Oracle.ManagedDataAccess.Core package.", found);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or TypeLoadException or TargetInvocationException)
        {
            throw new BackupException(Errors.OracleDriverInvalid, $"'{found}' could not be loaded as the Oracle driver: {ex.Message}", found, ex);
        }
    }

    /// <summary>
    /// True in a natively compiled program. (Dynamic code alone does not tell: a project that publishes
    /// natively also runs without it on the .NET runtime, where assemblies still have a location and load.)
    /// </summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is what is tested for.")]
    private static bool IsNativeBuild => !RuntimeFeature.IsDynamicCodeSupported && string.IsNullOrEmpty(typeof(object).Assembly.Location);

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location (native build) falls back to the program's folder.")]
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
